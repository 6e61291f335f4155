using ConversationClient.Internal;

namespace ConversationClient.Tests;

/// <summary>The erasure on its seam: scripted pages and deletes, no client, no HTTP.</summary>
public sealed class UserEraserTests
{
    [Test]
    public async Task RunAsync_ListingFailsAfterAPage_YieldsThatPagesResultsThenTheStreamThrowsTheListingError()
    {
        var failure = new ConversationApiException("Listing conversations failed with HTTP 500: boom", 500,
            new ConversationApiError { Code = "server_error", Message = "boom" });
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b", "c")),
            PageRead<ConversationPage>.Failed(failure));
        var tally = new ErasureTally();

        var results = await UserEraser.RunAsync(new CompleteErasure(operations, deleteItems: false, verify: false), "u", Batch(), 3, tally, CancellationToken.None).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(new[] { "a", "b", "c" }));
            Assert.That(tally.ListingFailure, Is.SameAs(failure));
            Assert.That(tally.ListingError?.Code, Is.EqualTo("server_error"));
            Assert.That(tally.Listed, Is.EqualTo(3));
        }
    }

    [Test]
    public async Task RunAsync_CursorGoneAfterProgress_StartsAgainFromTheTop()
    {
        // A cursor that must name a standing conversation: b failed (it stands), the next page is asked after b, and
        // the service says b is gone after all (a failed delete that did happen): the run lists from the top again.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone", 404), gone: true),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "c")))
        {
            Failing = { "b" },
        };
        var tally = new ErasureTally();

        var results = await UserEraser.RunAsync(new CompleteErasure(operations, deleteItems: false, verify: false), "u", Batch(), 2, tally, CancellationToken.None).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "b", null }));
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(new[] { "a", "b", "c" }));
            Assert.That(tally.ListingFailure, Is.Null);
        }
    }

    [Test]
    public async Task RunAsync_CursorGoneWithoutProgressSinceTheTop_EndsWithTheListingError()
    {
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone", 404), gone: true),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone again", 404), gone: true))
        {
            Failing = { "a" },
        };
        var tally = new ErasureTally();

        await UserEraser.RunAsync(new CompleteErasure(operations, deleteItems: false, verify: false), "u", Batch(), 1, tally, CancellationToken.None).ToListAsync();

        Assert.That(tally.ListingFailure?.Message, Is.EqualTo("gone again"), "no endless loop: a second start with nothing new ends the run");
        Assert.That(operations.Cursors, Has.Count.EqualTo(4));
    }

    private static BatchSettings Batch() =>
        new(new BatchThrottle(2), new BatchPacer(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeProvider.System), 2, null, CancellationToken.None);

    private static ConversationPage Page(bool hasMore, params string[] ids) =>
        new(ids.Select(id => new ConversationSummary { Id = id }).ToList(), hasMore, ids.Length > 0 ? ids[^1] : null);

    private sealed class ScriptedOperations(bool cursorOutlivesDeletes, params PageRead<ConversationPage>[] pages) : IBatchOperations
    {
        private int _next;

        public HashSet<string> Failing { get; } = [];

        public List<string?> Cursors { get; } = [];

        public bool CursorOutlivesDeletes => cursorOutlivesDeletes;

        public Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
            Task.FromResult(new DeleteConversationResult
            {
                ConversationId = conversationId,
                Outcome = Failing.Contains(conversationId) ? DeleteConversationOutcome.Failed : DeleteConversationOutcome.Deleted,
                Attempts = 1,
            });

        public Task<PageRead<ConversationPage>> ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken)
        {
            Cursors.Add(cursor);
            return Task.FromResult(pages[_next++]);
        }

        // The erasure of conversations alone: items are not asked for.
        public bool DeletesItemsWithConversation => true;

        public Task<PageRead<ItemPage>> ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
            BatchPacer? pacer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CallResult> DeleteItemAsync(string conversationId, string itemId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<CallResult> GetConversationAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        // Nor stored responses.
        public bool ListsStoredResponses => false;

        public Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, string? cursor, int pageSize, BatchPacer pacer,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CallResult> DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
