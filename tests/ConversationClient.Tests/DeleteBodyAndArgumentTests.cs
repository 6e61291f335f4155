using System.Net;
using System.Text;
using ConversationClient.Http;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// What a 2xx delete body can say (members skipped, wrong types, broken JSON), timestamps at the ends of the range,
/// attempt counts in messages, and argument checks that run at the call rather than when the results are read.
/// </summary>
public sealed class DeleteBodyAndArgumentTests
{
    private static async Task<DeleteConversationResult> DeleteWith(string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var handler = new ScriptedHandler().Then(status, body);
        return await TestClients.Create(ConversationApiDialect.OpenAI, handler).DeleteAsync("conv_1");
    }

    [Test]
    public async Task Delete_UnknownMemberHoldingAnObject_IsSkippedWhole()
    {
        var result = await DeleteWith("""{"metadata":{"deleted":false,"result":"error"},"id":"conv_1","deleted":true}""");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
    }

    [Test]
    public async Task Delete_DeletedFalseAfterUnknownMembers_IsARefusal()
    {
        var result = await DeleteWith("""{"id":"conv_1","object":"conversation.deleted","extra":[1,{"a":2}],"deleted":false}""");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.NotDeletedCode));
    }

    // A 2xx body that is present but not the dialect's shape does not confirm the deletion.
    [TestCase("""{"deleted":false,""")]
    [TestCase("""{"deleted":"no"}""")]
    [TestCase("""{"result":5}""")]
    [TestCase("""[{"deleted":false}]""")]
    [TestCase("""{"deleted":false} trailing""")]
    public async Task Delete_2xxBodyNotOfAKnownShape_IsFailedUnexpectedResponse(string body)
    {
        var result = await DeleteWith(body);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
    }

    [Test]
    public async Task Delete_TimeoutAfterOneAttempt_SaysOneAttempt()
    {
        var handler = new ScriptedHandler().ThenThrow(new TaskCanceledException("timer"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 0);

        var result = await client.DeleteAsync("conv_1");

        Assert.That(result.Error?.Message, Is.EqualTo("The call timed out after 1 attempt."));
    }

    [TestCase(-62135596800L, true)]
    [TestCase(253402300799L, true)]
    [TestCase(-62135596801L, false)]
    [TestCase(253402300800L, false)]
    public async Task List_CreatedAtAtTheEndsOfTheRange_IsKeptOrUnknown(long seconds, bool kept)
    {
        var page = "{\"object\":\"list\",\"data\":[{\"id\":\"conv_a\",\"created_at\":" + seconds + "}],\"has_more\":false}";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, page);

        var items = await TestClients.Create(ConversationApiDialect.OpenAI, handler).ListAsync().ToListAsync();

        Assert.That(items.Single().CreatedAt, Is.EqualTo(kept ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null));
    }

    [Test]
    public void RetryAfterMs_AtTheLargestTimeSpan_IsIgnored()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("retry-after-ms",
            TimeSpan.MaxValue.TotalMilliseconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("Retry-After", "20");

        Assert.That(ServerDelay.TryGet(response, DateTimeOffset.UnixEpoch, out var delay), Is.True);
        Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void DeleteMany_NullAsyncIds_ThrowsAtTheCall()
    {
        var client = TestClients.Create(ConversationApiDialect.OpenAI, new ScriptedHandler().Then(HttpStatusCode.NoContent));

        var ex = Assert.Throws<ArgumentNullException>(() => client.DeleteManyAsync((IAsyncEnumerable<string>)null!));

        Assert.That(ex!.ParamName, Is.EqualTo("conversationIds"));
    }

    [Test]
    public void List_CanceledToken_SendsNothing()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        Assert.That(async () => await client.ListAsync(cancellationToken: new CancellationToken(canceled: true)).ToListAsync(),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase(0, 20, "options.MaxConcurrency")]
    [TestCase(65, 20, "options.MaxConcurrency")]
    [TestCase(4, 0, "options.PageSize")]
    [TestCase(4, 101, "options.PageSize")]
    public void EraseUser_OptionsOutOfRange_ThrowAtTheCall(int maxConcurrency, int pageSize, string paramName)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.Catch<ArgumentException>(() =>
            client.EraseUserAsync("user-1", new BulkDeleteOptions { MaxConcurrency = maxConcurrency, PageSize = pageSize }));

        Assert.That(ex!.ParamName, Is.EqualTo(paramName));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public void EraseUser_UserThatCannotBeSent_ThrowsAtTheCall()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.Catch<ArgumentException>(() => client.EraseUserAsync("user\n1"));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase(0, 20, "options.MaxConcurrency")]
    [TestCase(4, 0, "options.PageSize")]
    [TestCase(4, 101, "options.PageSize")]
    public void EraseUserStreaming_OptionsOutOfRange_ThrowAtTheCall(int maxConcurrency, int pageSize, string paramName)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.Catch<ArgumentException>(() =>
            client.EraseUserStreamingAsync("user-1", new BulkDeleteOptions { MaxConcurrency = maxConcurrency, PageSize = pageSize }));

        Assert.That(ex!.ParamName, Is.EqualTo(paramName));
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase(null)]
    [TestCase(" ")]
    [TestCase("user\n1")]
    public void EraseUserStreaming_NoUserOrOneThatCannotBeSent_ThrowsAtTheCall(string? user)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.Catch<ArgumentException>(() => client.EraseUserStreamingAsync(user!));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(handler.Requests, Is.Empty);
    }

    // PageSize is the page of an erasure's listing: a batch of given ids lists nothing, so any value is left alone.
    [TestCase(0)]
    [TestCase(101)]
    public async Task DeleteManyAndEraseConversations_PageSizeOutOfRange_IsNotChecked(int pageSize)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, Responses.OpenAIDeleted);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var options = new BulkDeleteOptions { PageSize = pageSize, DeleteItems = false, Verify = false };

        var deleted = await client.DeleteManyAsync(["conv_1"], options: options).ToListAsync();
        var erased = await client.EraseConversationsAsync(["conv_1"], options: options).ToListAsync();

        Assert.That(deleted.Single().Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(erased.Single().Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
    }
}
