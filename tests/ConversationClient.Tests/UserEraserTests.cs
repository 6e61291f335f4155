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

    [Test]
    public async Task RunAsync_StoppedBeforeItStarts_ListsNothingAndSaysStopped()
    {
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true, PageRead<ConversationPage>.Read(Page(hasMore: false, "a")));
        var tally = new ErasureTally();
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var results = await Run(operations, tally, Batch(stop: stop.Token));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations.Cursors, Is.Empty, "no page is listed after the stop");
            Assert.That(results, Is.Empty);
            Assert.That(tally.Stopped, Is.True);
        }
    }

    [Test]
    public async Task RunAsync_ListingFailsWithoutAnErrorFromTheService_ReportsAnHttpErrorWithTheFailuresMessage()
    {
        // A failure with no service error (the connection was reset): the report still has an error to show.
        var failure = new ConversationApiException("Listing conversations failed: the connection was reset.");
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true, PageRead<ConversationPage>.Failed(failure));
        var tally = new ErasureTally();

        await Run(operations, tally);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tally.ListingFailure, Is.SameAs(failure));
            Assert.That(tally.ListingError?.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
            Assert.That(tally.ListingError?.Message, Is.EqualTo(failure.Message));
        }
    }

    [Test]
    public async Task RunAsync_CursorGoneAfterTwoPagesOfProgress_StartsAgainFromTheTop()
    {
        // Progress on each of two pages (b and d stand), then d is gone after all: progress since the top, so start again.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "c", "d")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone", 404), gone: true),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "b", "d")))
        {
            Failing = { "b", "d" },
        };
        var tally = new ErasureTally();

        await Run(operations, tally);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "b", "d", null }));
            Assert.That(tally.ListingFailure, Is.Null);
        }
    }

    [Test]
    public async Task RunAsync_EachPage_TellsPageListedOnceItIsCounted()
    {
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "c")));
        var listedWhenTold = new List<int>();
        var tally = new ErasureTally();
        tally.PageListed = () => listedWhenTold.Add(tally.Listed);

        await Run(operations, tally);

        Assert.That(listedWhenTold, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public async Task RunAsync_StopArrivingWithALastPageThatHasNothingToDelete_EndsWithoutSayingStopped()
    {
        // The stop comes while the last page is read; that page holds only a conversation handled before: nothing is
        // left to start, the listing reached its end, so the run is not cut short.
        using var stop = new CancellationTokenSource();
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a")),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "a")))
        {
            Failing = { "a" },
            OnRead = read =>
            {
                if (read == 1)
                {
                    stop.Cancel();
                }
            },
        };
        var tally = new ErasureTally();

        await Run(operations, tally, Batch(stop: stop.Token));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations.Cursors, Has.Count.EqualTo(2));
            Assert.That(tally.Stopped, Is.False);
            Assert.That(tally.ListingFailure, Is.Null);
        }
    }

    [Test]
    public async Task RunAsync_StopDuringAPagesDeletes_EndsThereAsStoppedWithoutJudgingThePage()
    {
        // The page says more but gives no cursor (which would end the run as a listing failure): the stop comes first.
        using var stop = new CancellationTokenSource();
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true,
            PageRead<ConversationPage>.Read(new ConversationPage([new ConversationSummary { Id = "a" }, new ConversationSummary { Id = "b" }], true, null)))
        {
            OnDelete = _ => stop.Cancel(),
        };
        var tally = new ErasureTally();

        await Run(operations, tally, Batch(stop: stop.Token));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tally.Stopped, Is.True);
            Assert.That(tally.ListingError, Is.Null);
            Assert.That(tally.ListingFailure, Is.Null);
            Assert.That(operations.Cursors, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task RunAsync_WithoutVerification_CountsNoConversationUnverified()
    {
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true, PageRead<ConversationPage>.Read(Page(hasMore: false, "a", "b")));
        var tally = new ErasureTally();

        var results = await Run(operations, tally);

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(tally.Unverified, Is.Zero, "unverified is for a look that failed, and no look was asked for");
    }

    [Test]
    public async Task RunAsync_CursorNamingAStandingOne_PagesOnFromTheLastFailedInPageOrder()
    {
        // a failed and stands, b was deleted: the next page is asked after a (b is gone, and a cursor must stand).
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false)))
        {
            Failing = { "a" },
        };

        await Run(operations, new ErasureTally());

        Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "a" }));
    }

    [Test]
    public async Task RunAsync_CursorNamingAStandingOne_PagesOnFromASkippedOneAfterTheFailedOne()
    {
        // a failed, s was skipped (both stand), b was deleted: s is the later of the two in the page, so paging on from
        // it lists nothing twice.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "s", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false)))
        {
            Failing = { "a" },
        };
        var tally = new ErasureTally();

        await Run(operations, tally, Batch(skip: id => id == "s"));

        Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "s" }));
        Assert.That(tally.Skipped, Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_FailuresAnsweredOutOfPageOrder_PagesOnFromTheLastFailedInPageOrder()
    {
        // a and b both fail, b's answer first: the cursor is still b, the later one in the page.
        var aAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false)))
        {
            Failing = { "a", "b" },
            Gates = { ["a"] = aAnswers.Task },
        };

        var order = new List<string>();
        await foreach (var result in UserEraser.RunAsync(new CompleteErasure(operations, deleteItems: false, verify: false), "u", Batch(), 2,
            new ErasureTally(), CancellationToken.None))
        {
            order.Add(result.ConversationId);
            aAnswers.TrySetResult();
        }

        Assert.That(order, Is.EqualTo(new[] { "b", "a" }));
        Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "b" }));
    }

    [Test]
    public async Task RunAsync_VerificationCursorGoneWithNothingNewSinceItsStart_EndsWithTheListingError()
    {
        // The verification pass is a start from the top: with nothing new since, a cursor gone does not start it again
        // (no endless loop on a listing that keeps showing a conversation it says is gone).
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: false, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "b")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone", 404), gone: true),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "b")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone again", 404), gone: true))
        {
            Failing = { "b" },
        };
        var tally = new ErasureTally();

        await Run(operations, tally, verify: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, null, "b" }));
            Assert.That(tally.ListingFailure?.Message, Is.EqualTo("gone"));
            Assert.That(tally.VerificationFinished, Is.False);
        }
    }

    [Test]
    public async Task RunAsync_StartAgainFromTheTop_DoesNotTakeACursorAskedBeforeTheStartForALoop()
    {
        // a and b fail (they stand), then c's delete fails but did happen, so the page after c says it is gone: the run
        // starts again from the top, which shows a and b again and leads on after b. Asking after b again is no loop:
        // the start from the top began a new pass, and the page after b now holds d.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "c")),
            PageRead<ConversationPage>.Failed(new ConversationApiException("gone", 404), gone: true),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "d")))
        {
            Failing = { "a", "b", "c" },
        };
        var tally = new ErasureTally();

        var results = await Run(operations, tally);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tally.ListingError, Is.Null);
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "b", "c", null, "b" }));
            Assert.That(results.Where(r => r.Outcome == DeleteConversationOutcome.Deleted).Select(r => r.ConversationId), Is.EqualTo(new[] { "d" }));
        }
    }

    [Test]
    public async Task RunAsync_CursorBackToAPlaceAskedBefore_GoesOnWhileEachPageBringsSomethingNew()
    {
        // A cursor that must name a standing conversation, and a listing whose order changed during the run (Dify lists
        // the most recently updated first: b was updated while the run paged on after it, so the page after b holds
        // everything older, a again among it). The run goes back to after a, but the page that led there brought c, a
        // conversation not seen before: progress, not a loop.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: false,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a", "c")),
            PageRead<ConversationPage>.Read(Page(hasMore: false)))
        {
            Failing = { "a", "b" },
        };
        var tally = new ErasureTally();

        var results = await Run(operations, tally);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tally.ListingError, Is.Null);
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "a", "b", "a" }));
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(new[] { "a", "b", "c" }));
        }
    }

    [Test]
    public async Task RunAsync_CursorThatOutlivesDeletesLeadsBackToAPlaceAsked_IsNoWayOnEvenWhenThePageBroughtSomethingNew()
    {
        // A cursor that outlives deletes names the same place whatever was deleted: after b the page (c) gives a's
        // cursor, asked before, so following it goes round. That the page brought a conversation not seen before does
        // not make it progress: a server that goes round making up new ones would never end.
        var operations = new ScriptedOperations(cursorOutlivesDeletes: true,
            PageRead<ConversationPage>.Read(Page(hasMore: true, "a")),
            PageRead<ConversationPage>.Read(Page(hasMore: true, "b")),
            PageRead<ConversationPage>.Read(new ConversationPage([new ConversationSummary { Id = "c" }], true, "a")),
            PageRead<ConversationPage>.Read(new ConversationPage([new ConversationSummary { Id = "d" }], true, "b")),
            PageRead<ConversationPage>.Read(Page(hasMore: false, "e")));
        var tally = new ErasureTally();

        await Run(operations, tally);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tally.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
            Assert.That(operations.Cursors, Is.EqualTo(new string?[] { null, "a", "b" }));
        }
    }

    private static Task<List<DeleteConversationResult>> Run(ScriptedOperations operations, ErasureTally tally, BatchSettings? batch = null, bool verify = false) =>
        UserEraser.RunAsync(new CompleteErasure(operations, deleteItems: false, verify), "u", batch ?? Batch(), 2, tally, CancellationToken.None).ToListAsync().AsTask();

    private static BatchSettings Batch(Func<string, bool>? skip = null, CancellationToken stop = default) =>
        new(new BatchThrottle(2), new BatchPacer(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeProvider.System), 2, skip, stop);

    private static ConversationPage Page(bool hasMore, params string[] ids) =>
        new(ids.Select(id => new ConversationSummary { Id = id }).ToList(), hasMore, ids.Length > 0 ? ids[^1] : null);

    private sealed class ScriptedOperations(bool cursorOutlivesDeletes, params PageRead<ConversationPage>[] pages) : IBatchOperations
    {
        private int _next;

        public HashSet<string> Failing { get; } = [];

        public List<string?> Cursors { get; } = [];

        /// <summary>Deletes that answer only once their task completes.</summary>
        public Dictionary<string, Task> Gates { get; } = [];

        /// <summary>Told each delete's id as it starts.</summary>
        public Action<string>? OnDelete { get; init; }

        /// <summary>Told each listing page's index (from 0) as it is read.</summary>
        public Action<int>? OnRead { get; init; }

        public bool CursorOutlivesDeletes => cursorOutlivesDeletes;

        public async Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken)
        {
            OnDelete?.Invoke(conversationId);
            if (Gates.TryGetValue(conversationId, out var gate))
            {
                await gate;
            }

            return new DeleteConversationResult
            {
                ConversationId = conversationId,
                Outcome = Failing.Contains(conversationId) ? DeleteConversationOutcome.Failed : DeleteConversationOutcome.Deleted,
                Attempts = 1,
            };
        }

        public Task<PageRead<ConversationPage>> ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken)
        {
            Cursors.Add(cursor);
            OnRead?.Invoke(_next);
            return Task.FromResult(pages[_next++]);
        }

        // The erasure of conversations alone: items are not asked for.
        public bool DeletesItemsWithConversation => true;

        public Task<PageRead<ItemPage>> ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
            BatchPacer? pacer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CallResult> DeleteItemAsync(string conversationId, string itemId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        // The verification's look: every conversation asked for is gone.
        public Task<CallResult> GetConversationAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken) =>
            Task.FromResult(new CallResult { Outcome = CallOutcome.NotFound, StatusCode = 404, Attempts = 1 });

        // Nor stored responses.
        public bool ListsStoredResponses => false;

        public Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, int pageSize, BatchPacer pacer,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CallResult> DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
