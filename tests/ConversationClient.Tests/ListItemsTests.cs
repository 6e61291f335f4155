using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class ListItemsTests
{
    private const string IsolationHeader = ConversationClientOptions.DefaultUserIsolationHeaderName;

    internal static string OpenAIItem(string id) =>
        $$"""{"type":"message","id":"{{id}}","status":"completed","role":"user","content":[{"type":"input_text","text":"text of {{id}}"}]}""";

    internal static string OpenAIItems(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(OpenAIItem))}}],"first_id":{{(ids.Length > 0 ? $"\"{ids[0]}\"" : "null")}},"last_id":{{(ids.Length > 0 ? $"\"{ids[^1]}\"" : "null")}},"has_more":{{(hasMore ? "true" : "false")}}}""";

    internal static string DifyMessage(string id) => DifyMessageOf("conv-1", id);

    internal static string DifyMessageOf(string conversationId, string id) =>
        $$"""{"id":"{{id}}","conversation_id":"{{conversationId}}","parent_message_id":null,"inputs":{},"query":"q-{{id}}","answer":"a-{{id}}","status":"normal","error":null,"message_files":[],"feedback":null,"retriever_resources":[],"agent_thoughts":[],"created_at":1705407629}""";

    /// <summary>A page of Dify messages of conv-1, each page oldest first, as Dify sends it.</summary>
    internal static string DifyMessages(bool hasMore, params string[] ids) => DifyMessagesOf("conv-1", hasMore, ids);

    /// <summary>A page of Dify messages of <paramref name="conversationId"/>, each page oldest first, as Dify sends it.</summary>
    internal static string DifyMessagesOf(string conversationId, bool hasMore, params string[] ids) =>
        $$"""{"limit":{{ids.Length}},"has_more":{{(hasMore ? "true" : "false")}},"data":[{{string.Join(",", ids.Select(id => DifyMessageOf(conversationId, id)))}}]}""";

    private static System.Collections.Specialized.NameValueCollection Query(RecordedRequest request) => HttpUtility.ParseQueryString(request.Uri.Query);

    [Test]
    public async Task ListItemsAsync_OpenAIPages_FollowAfterWithOrderAscAndIsolationHeader()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, OpenAIItems(true, "msg_1", "msg_2"))
            .Then(HttpStatusCode.OK, OpenAIItems(false, "msg_3"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListItemsAsync("conv_1", "iso-key", new ConversationItemListOptions { PageSize = 2 }).ToListAsync();

        var queries = handler.Requests.Select(Query).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1", "msg_2", "msg_3" }));
            Assert.That(handler.Requests.Select(r => r.Method), Is.All.EqualTo(HttpMethod.Get));
            Assert.That(handler.Requests.Select(r => r.Uri.AbsolutePath), Is.All.EqualTo("/openai/v1/conversations/conv_1/items"));
            Assert.That(handler.Requests.Select(r => r.Header(IsolationHeader)), Is.All.EqualTo("iso-key"));
            Assert.That(queries.Select(q => q["limit"]), Is.All.EqualTo("2"));
            Assert.That(queries.Select(q => q["order"]), Is.All.EqualTo("asc"));
            Assert.That(queries.Select(q => q["after"]), Is.EqualTo(new[] { null, "msg_2" }));
        }
    }

    [Test]
    public async Task ListItemsAsync_OpenAINewestFirst_SendsOrderDescAndKeepsThePageOrder()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, OpenAIItems(false, "msg_9", "msg_8"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListItemsAsync("conv_1", options: new ConversationItemListOptions { Order = ConversationListOrder.NewestFirst }).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_9", "msg_8" }));
            Assert.That(Query(handler.Single)["order"], Is.EqualTo("desc"));
            Assert.That(Query(handler.Single)["limit"], Is.EqualTo("100"));
            Assert.That(handler.Single.Header(IsolationHeader), Is.Null);
        }
    }

    [Test]
    public void ListItemsAsync_HasMoreWithoutItems_ThrowsRatherThanEndShort()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, OpenAIItems(true));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ListItemsAsync_OpenAIItem_KeepsItsJsonByteForByteAndTypesTheCommonMembers()
    {
        // Escapes (not unescaped, not re-escaped), nested content, members the typed model does not know, whitespace inside.
        const string Message = """{ "type" : "message", "id":"msg_\u00e9", "status":"completed", "role":"assistant", "created_at": 1741900000, "content":[{"type":"output_text","text":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/","annotations":[{"type":"url_citation","start_index":0,"url":"https://x/?a=1&b=2"}],"logprobs":[]}], "x_unknown":{"deep":[1,2.50,{"n":null}]} }""";
        const string Call = """{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}","status":"completed"}""";
        var body = "{\"object\":\"list\",\n  \"data\": [ " + Message + " ,\n" + Call + "], \"first_id\":\"msg_\\u00e9\",\"last_id\":\"fc_1\",\"has_more\":false}";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListItemsAsync("conv_1").ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(items, Has.Count.EqualTo(2));
            Assert.That(items[0].Json, Is.EqualTo(Message));
            Assert.That(items[1].Json, Is.EqualTo(Call));
            Assert.That(items[0].Id, Is.EqualTo("msg_é"));
            Assert.That(items[0].Type, Is.EqualTo("message"));
            Assert.That(items[0].Role, Is.EqualTo("assistant"));
            Assert.That(items[0].Status, Is.EqualTo("completed"));
            Assert.That(items[0].CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1741900000)));
            Assert.That(items[1].Type, Is.EqualTo("function_call"));
            Assert.That(items[1].Role, Is.Null);
            Assert.That(items[1].CreatedAt, Is.Null);
            Assert.That(items[1].Query, Is.Null);
            Assert.That(items[1].FileIds, Is.Empty);
        }
    }

    [Test]
    public async Task ListItemsAsync_DifyOldestFirst_ReadsThePagesBackThenYieldsOldestFirst()
    {
        // Dify answers the newest page first, each page oldest first; the next page is asked for with data[0].id.
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, DifyMessages(true, "m5", "m6"))
            .Then(HttpStatusCode.OK, DifyMessages(true, "m3", "m4"))
            .Then(HttpStatusCode.OK, DifyMessages(false, "m1", "m2"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListItemsAsync("conv-1", "user 1", new ConversationItemListOptions { PageSize = 2 }).ToListAsync();

        var queries = handler.Requests.Select(Query).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "m1", "m2", "m3", "m4", "m5", "m6" }));
            Assert.That(handler.Requests.Select(r => r.Uri.AbsolutePath), Is.All.EqualTo("/v1/messages"));
            Assert.That(handler.Requests[0].Uri.Query, Does.Contain("user=user%201"));
            Assert.That(queries.Select(q => q["conversation_id"]), Is.All.EqualTo("conv-1"));
            Assert.That(queries.Select(q => q["user"]), Is.All.EqualTo("user 1"));
            Assert.That(queries.Select(q => q["limit"]), Is.All.EqualTo("2"));
            Assert.That(queries.Select(q => q["first_id"]), Is.EqualTo(new[] { null, "m5", "m3" }));
            Assert.That(queries.Select(q => q["order"]), Is.All.Null);
        }
    }

    [Test]
    public async Task ListItemsAsync_DifyConversationWithoutMessages_IsEmpty()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, DifyMessages(false));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListItemsAsync("conv-1", "user 1").ToListAsync();

        Assert.That(items, Is.Empty);
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ListItemsAsync_DifyNewestFirst_StreamsEachPageReversed()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, DifyMessages(true, "m3", "m4"))
            .Then(HttpStatusCode.OK, DifyMessages(false, "m1", "m2"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);
        var options = new ConversationItemListOptions { PageSize = 2, Order = ConversationListOrder.NewestFirst };

        var seen = new List<string>();
        int requestsAtFirstItem = -1;
        await foreach (var item in client.ListItemsAsync("conv-1", "u", options))
        {
            if (seen.Count == 0)
            {
                requestsAtFirstItem = handler.Requests.Count;
            }

            seen.Add(item.Id);
        }

        Assert.That(seen, Is.EqualTo(new[] { "m4", "m3", "m2", "m1" }));
        Assert.That(requestsAtFirstItem, Is.EqualTo(1), "newest first yields the first page before asking for the next");
    }

    [Test]
    public async Task ListItemsAsync_DifyMessage_TypesItsMembersAndKeepsItsJson()
    {
        const string Message = """{"id":"m1","conversation_id":"conv-1","query":"Qu\u00e9?","answer":"A \"b\"","status":"normal","message_files":[{"id":"f1","type":"image","url":"https://x/f1"},{"id":"f2","type":"document"}],"feedback":{"rating":"like"},"agent_thoughts":[{"thought":"t","tool":""}],"created_at":1705407629}""";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, $$"""{"limit":20,"has_more":false,"data":[{{Message}}]}""");
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var item = (await client.ListItemsAsync("conv-1", "u").ToListAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(item.Json, Is.EqualTo(Message));
            Assert.That(item.Type, Is.EqualTo("message"));
            Assert.That(item.Query, Is.EqualTo("Qué?"));
            Assert.That(item.Answer, Is.EqualTo("A \"b\""));
            Assert.That(item.Status, Is.EqualTo("normal"));
            Assert.That(item.FeedbackRating, Is.EqualTo("like"));
            Assert.That(item.FileIds, Is.EqualTo(new[] { "f1", "f2" }));
            Assert.That(item.CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1705407629)));
            Assert.That(item.Role, Is.Null);
        }
    }

    [TestCase(ConversationApiDialect.OpenAI, Responses.OpenAINotFound)]
    [TestCase(ConversationApiDialect.Dify, Responses.DifyNotFound)]
    public void ListItemsAsync_ConversationNotFound_ThrowsWithNotFoundCode(ConversationApiDialect dialect, string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1", TestClients.UserFor(dialect)).ToListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Error!.Code, Is.EqualTo(ConversationApiError.NotFoundCode));
            Assert.That(ex.StatusCode, Is.EqualTo(404));
            Assert.That(ex.Message, Does.Contain("conv_1"));
            Assert.That(handler.Requests, Has.Count.EqualTo(1), "a conversation that does not exist is not retried");
        }
    }

    [TestCase(ConversationApiDialect.OpenAI, """{"error":{"message":"Invalid URL (GET /v1/conversations/conv_1/items)","type":"invalid_request_error","param":null,"code":null}}""")]
    [TestCase(ConversationApiDialect.Dify, "<!doctype html><title>404 Not Found</title><p>The requested URL was not found on the server.</p>")]
    public void ListItemsAsync_RouteMiss_ThrowsEndpointNotFoundNotNotFound(ConversationApiDialect dialect, string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1", TestClients.UserFor(dialect)).ToListAsync());

        Assert.That(ex!.Error!.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [Test]
    public async Task ListItemsAsync_503ThenPage_RetriesThePage()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, OpenAIItems(true, "msg_1"))
            .Then(HttpStatusCode.ServiceUnavailable, Responses.OpenAIError("server_error", "busy", "server_error"))
            .Then(HttpStatusCode.OK, OpenAIItems(false, "msg_2"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListItemsAsync("conv_1").ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1", "msg_2" }));
        Assert.That(handler.Requests.Select(r => Query(r)["after"]), Is.EqualTo(new[] { null, "msg_1", "msg_1" }));
    }

    [Test]
    public async Task ListItemsAsync_PageFailsAfterRetries_ThrowsAfterTheItemsBefore()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, OpenAIItems(true, "msg_1"))
            .Then(HttpStatusCode.ServiceUnavailable, Responses.OpenAIError("server_error", "busy", "server_error"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 2);

        var seen = new List<string>();
        var ex = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var item in client.ListItemsAsync("conv_1"))
            {
                seen.Add(item.Id);
            }
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen, Is.EqualTo(new[] { "msg_1" }));
            Assert.That(ex!.StatusCode, Is.EqualTo(503));
            Assert.That(ex.Error!.Code, Is.EqualTo("server_error"));
            Assert.That(ex.Message, Does.Contain("conv_1"));
            Assert.That(handler.Requests, Has.Count.EqualTo(4), "one page, then the failing page's first attempt and 2 retries");
        }
    }

    [Test]
    public void ListItemsAsync_PageThatIsNotAPage_ThrowsHttpErrorNamingTheConversation()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":{"not":"an array"}}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1").ToListAsync());

        Assert.That(ex!.Error!.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
        Assert.That(ex.Message, Does.Contain("conv_1"));
    }

    [Test]
    public async Task ListItemsAsync_PageOverOneMebibyte_IsRead()
    {
        // Item pages may be far larger than a listing of conversations: 2 MiB of text in one item is read whole.
        var text = new string('x', 2 * 1024 * 1024);
        var body = $$"""{"object":"list","data":[{"type":"message","id":"msg_1","role":"user","content":[{"type":"input_text","text":"{{text}}"}]}],"has_more":false}""";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListItemsAsync("conv_1").ToListAsync();

        Assert.That(items.Single().Json, Has.Length.GreaterThan(text.Length));
    }

    [Test]
    public void ListItemsAsync_BadArguments_ThrowBeforeAnyRequest()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, OpenAIItems(false));
        var openAI = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var dify = TestClients.Create(ConversationApiDialect.Dify, handler);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => openAI.ListItemsAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("conversationId"));
            Assert.That(() => openAI.ListItemsAsync(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("conversationId"));
            Assert.That(() => openAI.ListItemsAsync(".."), Throws.ArgumentException.With.Property("ParamName").EqualTo("conversationId"));
            Assert.That(() => openAI.ListItemsAsync("conv_1", "a\r\nb"), Throws.ArgumentException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => openAI.ListItemsAsync("conv_1", ""), Throws.ArgumentException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => dify.ListItemsAsync("conv-1"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => openAI.ListItemsAsync("conv_1", options: new ConversationItemListOptions { PageSize = 0 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options.PageSize"));
            Assert.That(() => openAI.ListItemsAsync("conv_1", options: new ConversationItemListOptions { PageSize = 101 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options.PageSize"));
            Assert.That(() => openAI.ListItemsAsync("conv_1", options: new ConversationItemListOptions { PageSize = 100 }), Throws.Nothing);
            Assert.That(() => openAI.ListItemsAsync("conv_1", options: new ConversationItemListOptions { PageSize = 1 }), Throws.Nothing);
            Assert.That(handler.Requests, Is.Empty);
        }
    }

    [Test]
    public void ConversationItemListOptions_Defaults_AreAHundredOldestFirst()
    {
        var options = new ConversationItemListOptions();

        Assert.That(options.PageSize, Is.EqualTo(100));
        Assert.That(options.Order, Is.EqualTo(ConversationListOrder.OldestFirst));
    }

    [Test]
    public void ListItemsAsync_ConnectionFails_ThrowsWithTheConnectionErrorAndTheCause()
    {
        var reset = new HttpRequestException("connection reset");
        var handler = new ScriptedHandler().ThenThrow(reset);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 0);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_1").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
        Assert.That(ex.Message, Does.StartWith("Reading the items of conversation 'conv_1' failed: "));
        Assert.That(ex.InnerException, Is.SameAs(reset));
    }
}
