using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// What a broken or hostile server can answer that an earlier rule did not cover: list cursors that cycle
/// (A -> B -> A), which would make a listing, an export or an erasure never end; messages of another conversation;
/// a 2xx page that is no page (an error a gateway answers with 200).
/// </summary>
public sealed class HostileServerTests
{
    /// <summary>Far more pages than any test's listing has: past it the service ends its listing, so a test that loops fails instead of hanging.</summary>
    private const int PageBudget = 20;

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) => Responses.Make(status, json);

    private static string Query(HttpRequestMessage request, string name) => HttpUtility.ParseQueryString(request.RequestUri!.Query)[name] ?? "";

    private static string ConversationPage(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":{}}"))}}],"first_id":null,"last_id":"{{ids[^1]}}","has_more":{{(hasMore ? "true" : "false")}}}""";

    private static string ItemPage(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => $$"""{"type":"message","id":"{{id}}","status":"completed","role":"user","content":[]}"""))}}],"first_id":null,"last_id":null,"has_more":{{(hasMore ? "true" : "false")}}}""";

    /// <summary>
    /// An OpenAI service whose conversation listing cycles: from the top conv_a, after conv_a conv_b, after conv_b
    /// conv_a again (and so on), always "more", until <see cref="PageBudget"/> pages were listed. Deletes answer done,
    /// looks answer not found.
    /// </summary>
    private static RoutedHandler CyclingListing()
    {
        var pages = 0;
        return new RoutedHandler(request =>
        {
            if (request.Method == HttpMethod.Delete)
            {
                return Json($$"""{"id":"{{request.RequestUri!.Segments[^1]}}","object":"conversation.deleted","deleted":true}""");
            }

            if (!request.RequestUri!.AbsolutePath.EndsWith("/conversations", StringComparison.Ordinal))
            {
                return Json("""{"error":{"message":"Conversation not found.","type":"invalid_request_error","param":null,"code":null}}""", HttpStatusCode.NotFound);
            }

            var more = Interlocked.Increment(ref pages) < PageBudget;
            return Query(request, "after") == "conv_a" ? Json(ConversationPage(more, "conv_b")) : Json(ConversationPage(more, "conv_a"));
        });
    }

    [Test]
    public void ListAsync_CursorsThatCycle_ThrowInsteadOfListingForever()
    {
        var handler = CyclingListing();
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests, Has.Count.EqualTo(3), "the third page led back to a place already listed");
    }

    [Test]
    public void ExportUser_CursorsThatCycle_ThrowInsteadOfExportingTheSameConversationsForever()
    {
        var handler = CyclingListing();
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ExportUserAsync("user-1").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
    }

    [Test]
    public async Task EraseUser_CursorsThatCycle_AreNotAComplete()
    {
        var handler = CyclingListing();
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { DeleteItems = false, Verify = false });

        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests.Count(r => r.Method == HttpMethod.Get), Is.LessThan(PageBudget), "the erasure saw the loop");
    }

    [Test]
    public async Task EraseUser_OpenAIListingThatIgnoresTheCursor_IsNotComplete()
    {
        // Deletes answered done, yet the listing shows the same page after its last id, and says "more": the rest of
        // it cannot be seen, which is not the end of it (it was taken for the end: "the same place again").
        var handler = new RoutedHandler(request => request.Method == HttpMethod.Delete
            ? Json($$"""{"id":"{{request.RequestUri!.Segments[^1]}}","object":"conversation.deleted","deleted":true}""")
            : Json(ConversationPage(true, "conv_a", "conv_b")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { DeleteItems = false, Verify = false });

        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
    }

    [Test]
    public async Task EraseUser_DifyCursorsThatCycle_AreNotAComplete()
    {
        // Every delete fails, so the erasure pages on from the last one that stands: from the top x, after x y, after y
        // x again.
        const string X = "00000000-0000-4000-8000-00000000000a";
        const string Y = "00000000-0000-4000-8000-00000000000b";
        var pages = 0;
        var handler = new RoutedHandler(request =>
        {
            if (request.Method == HttpMethod.Delete)
            {
                return Json("""{"code":"invalid_param","message":"Refused.","status":400}""", HttpStatusCode.BadRequest);
            }

            var more = Interlocked.Increment(ref pages) < PageBudget ? "true" : "false";
            var id = Query(request, "last_id") == X ? Y : X;
            return Json($$"""{"limit":20,"has_more":{{more}},"data":[{"id":"{{id}}","name":"n","created_at":1741900000,"updated_at":1741900000}]}""");
        });
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { Verify = false });

        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.Failed, Is.EqualTo(2));
        Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests.Count(r => r.Method == HttpMethod.Get), Is.EqualTo(3));
    }

    [Test]
    public void ListItems_DifyMessagesOfAnotherConversation_AreNotReadAsThisOnes()
    {
        // A messages route that ignores conversation_id: its messages are not this conversation's, and an export that
        // took them as its own would hand the user another conversation's text.
        const string Conversation = "00000000-0000-4000-8000-00000000000a";
        var handler = new RoutedHandler(_ => Json("""
            {"limit":20,"has_more":false,"data":[{"id":"m1","conversation_id":"00000000-0000-4000-8000-00000000000b","query":"q","answer":"a","created_at":1705407629}]}
            """));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync(Conversation, "user-1").ToListAsync());

        Assert.That(ex!.InnerException?.Message, Does.Contain("another conversation"));
    }

    [TestCase("\"00000000-0000-4000-8000-00000000000a\"")]
    [TestCase("null")]
    public async Task ListItems_DifyMessagesOfThisConversationOrOfNoneNamed_AreRead(string named)
    {
        const string Conversation = "00000000-0000-4000-8000-00000000000a";
        var handler = new RoutedHandler(_ => Json("""{"limit":20,"has_more":false,"data":[{"id":"m1","conversation_id":""" + named + ""","query":"q","answer":"a","created_at":1705407629}]}"""));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListItemsAsync(Conversation, "user-1").ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "m1" }));
    }

    private const string OpenAIErrorAt200 = """{"error":{"message":"Upstream busy.","type":"server_error","param":null,"code":"busy"}}""";

    [TestCase(ConversationApiDialect.OpenAI, OpenAIErrorAt200)]
    [TestCase(ConversationApiDialect.OpenAI, "{}")]
    [TestCase(ConversationApiDialect.Dify, """{"code":"internal_server_error","message":"Upstream busy.","status":500}""")]
    public void ListAsync_A2xxThatIsNoPage_IsNotAnEmptyListing(ConversationApiDialect dialect, string body)
    {
        // Gateways answer errors with 200: taken for a page without data, it ended the listing there, empty and complete.
        var client = TestClients.Create(dialect, new RoutedHandler(_ => Json(body)));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(TestClients.UserFor(dialect)).ToListAsync());

        Assert.That(ex!.Error?.RawBody, Is.EqualTo(body));
    }

    [TestCase(ConversationApiDialect.OpenAI, OpenAIErrorAt200)]
    [TestCase(ConversationApiDialect.Dify, """{"code":"internal_server_error","message":"Upstream busy.","status":500}""")]
    public void ListItems_A2xxThatIsNoPage_IsNotAConversationWithoutItems(ConversationApiDialect dialect, string body)
    {
        var client = TestClients.Create(dialect, new RoutedHandler(_ => Json(body)));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () =>
            await client.ListItemsAsync("00000000-0000-4000-8000-00000000000a", TestClients.UserFor(dialect)).ToListAsync());

        Assert.That(ex!.Error?.RawBody, Is.EqualTo(body));
    }

    [Test]
    public async Task EraseConversations_AnItemListingAnsweredWithAnErrorAt200_LeavesTheConversationInPlace()
    {
        // Taken for "no items", the conversation was deleted and its items stranded where nothing can list them.
        var handler = new RoutedHandler(request => request.RequestUri!.AbsolutePath.EndsWith("/items", StringComparison.Ordinal)
            ? Json(OpenAIErrorAt200)
            : request.Method == HttpMethod.Delete
                ? Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""")
                : Json("""{"error":{"message":"Conversation not found.","type":"invalid_request_error","param":null,"code":null}}""", HttpStatusCode.NotFound));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var result = (await client.EraseConversationsAsync(["conv_1"]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty);
    }

    [TestCase(ConversationApiDialect.OpenAI, """{"object":"list","data":[{"id":"conv_a","metadata":{}}],"has_more":true,"has_more":false}""")]
    [TestCase(ConversationApiDialect.OpenAI, """{"object":"list","data":[{"id":"conv_a","metadata":{}}],"data":[],"has_more":false}""")]
    [TestCase(ConversationApiDialect.Dify, """{"limit":20,"has_more":true,"data":[{"id":"00000000-0000-4000-8000-00000000000a"}],"has_more":false}""")]
    public void ListAsync_APageThatSaysAMemberTwice_IsNotRead(ConversationApiDialect dialect, string body)
    {
        // Which of the two is meant cannot be told; the last one read ended the listing there (no more, or no items),
        // as the delete answers and item pages already refuse.
        var client = TestClients.Create(dialect, new RoutedHandler(_ => Json(body)));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(TestClients.UserFor(dialect)).ToListAsync());

        Assert.That(ex!.Error?.RawBody, Is.EqualTo(body));
    }

    [Test]
    public void ListItems_APageThatSaysHasMoreTwice_IsNotRead()
    {
        var client = TestClients.Create(ConversationApiDialect.OpenAI, new RoutedHandler(_ => Json(
            """{"object":"list","data":[{"type":"message","id":"msg_1"}],"has_more":true,"has_more":false}""")));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1").ToListAsync());

        Assert.That(ex!.InnerException?.Message, Does.Contain("has_more twice"));
    }

    [Test]
    public async Task AStoredResponseThatNamesItsConversationTwice_IsNotDeleted()
    {
        // The last conversation named is the erased one, the first another: which one it belongs to cannot be told.
        var handler = new RoutedHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            return path.EndsWith("/responses", StringComparison.Ordinal)
                ? Json("""{"object":"list","data":[{"id":"resp_1","conversation":{"id":"conv_other"},"conversation":{"id":"conv_1"}}],"has_more":false}""")
                : path.EndsWith("/items", StringComparison.Ordinal) ? Json("""{"object":"list","data":[],"has_more":false}""")
                : request.Method == HttpMethod.Delete ? Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""")
                : Json("""{"error":{"message":"Conversation not found.","type":"invalid_request_error","param":null,"code":null}}""", HttpStatusCode.NotFound);
        });
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var result = (await client.EraseConversationsAsync(["conv_1"]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty);
    }

    [Test]
    public void ListItems_CursorsThatCycle_ThrowInsteadOfListingForever()
    {
        var pages = 0;
        var handler = new RoutedHandler(request =>
        {
            var more = Interlocked.Increment(ref pages) < PageBudget;
            return Query(request, "after") == "msg_1" ? Json(ItemPage(more, "msg_2")) : Json(ItemPage(more, "msg_1"));
        });
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests, Has.Count.EqualTo(3));
    }
}
