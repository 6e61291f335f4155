using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class ExportTests
{
    private const string IsolationHeader = ConversationClientOptions.DefaultUserIsolationHeaderName;

    private static string OpenAIConversations(params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":{}}"))}}],"first_id":null,"last_id":{{(ids.Length > 0 ? $"\"{ids[^1]}\"" : "null")}},"has_more":false}""";

    private static string DifyConversations(params string[] ids) =>
        $$"""{"limit":100,"has_more":false,"data":[{{string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","name":"n","created_at":1705407629,"updated_at":1705407629}"""))}}]}""";

    /// <summary>An OpenAI-dialect service whose conversations answer their items from <paramref name="items"/> (a conversation missing there: 404 not found).</summary>
    private static RoutedHandler OpenAIService(string[] conversations, Func<string, HttpResponseMessage> items) => new(request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        const string Prefix = "/openai/v1/conversations";
        if (path == Prefix)
        {
            return RoutedHandler.Json(HttpStatusCode.OK, OpenAIConversations(conversations));
        }

        var id = path[(Prefix.Length + 1)..^"/items".Length];
        return items(id);
    });

    [Test]
    public async Task ExportUserAsync_OpenAI_YieldsEachConversationWithItsItemsOldestFirst()
    {
        var handler = OpenAIService(["conv_1", "conv_2"], id => RoutedHandler.Json(HttpStatusCode.OK,
            ListItemsTests.OpenAIItems(false, $"{id}_a", $"{id}_b")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var exports = await client.ExportUserAsync("iso-key").ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exports.Select(e => e.Conversation.Id), Is.EqualTo(new[] { "conv_1", "conv_2" }));
            Assert.That(exports.Select(e => e.DeletedDuringExport), Is.All.False);
            Assert.That(exports[1].Items.Select(i => i.Id), Is.EqualTo(new[] { "conv_2_a", "conv_2_b" }));
            Assert.That(exports[0].Items[0].Json, Is.EqualTo(ListItemsTests.OpenAIItem("conv_1_a")));
            Assert.That(handler.Calls, Is.EqualTo(new[]
            {
                "GET /openai/v1/conversations?limit=100&order=asc",
                "GET /openai/v1/conversations/conv_1/items?limit=100&order=asc",
                "GET /openai/v1/conversations/conv_2/items?limit=100&order=asc",
            }));
            Assert.That(handler.Requests.Select(r => r.Headers.GetValues(IsolationHeader).Single()), Is.All.EqualTo("iso-key"));
        }
    }

    [Test]
    public async Task ExportUserAsync_ReadsOneConversationAtATime()
    {
        var handler = OpenAIService(["conv_1", "conv_2"], id => RoutedHandler.Json(HttpStatusCode.OK, ListItemsTests.OpenAIItems(false, $"{id}_a")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        await using var exports = client.ExportUserAsync("u").GetAsyncEnumerator();
        Assert.That(await exports.MoveNextAsync(), Is.True);

        Assert.That(exports.Current.Conversation.Id, Is.EqualTo("conv_1"));
        Assert.That(handler.Calls, Has.None.Contains("conv_2"), "the next conversation is read when the caller asks for it");
    }

    [Test]
    public async Task ExportUserAsync_ConversationDeletedMeanwhile_IsYieldedAsDeletedDuringExport()
    {
        var handler = OpenAIService(["conv_1", "conv_2", "conv_3"], id => id == "conv_2"
            ? RoutedHandler.Json(HttpStatusCode.NotFound, Responses.OpenAINotFound.Replace("conv_1", "conv_2", StringComparison.Ordinal))
            : RoutedHandler.Json(HttpStatusCode.OK, ListItemsTests.OpenAIItems(false, $"{id}_a")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var exports = await client.ExportUserAsync("u").ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exports.Select(e => e.Conversation.Id), Is.EqualTo(new[] { "conv_1", "conv_2", "conv_3" }));
            Assert.That(exports.Select(e => e.DeletedDuringExport), Is.EqualTo(new[] { false, true, false }));
            Assert.That(exports[1].Items, Is.Empty);
            Assert.That(exports[2].Items.Single().Id, Is.EqualTo("conv_3_a"));
        }
    }

    [Test]
    public async Task ExportUserAsync_ItemPageFailsAfterRetries_ThrowsNamingTheConversation()
    {
        var handler = OpenAIService(["conv_1", "conv_2", "conv_3"], id => id == "conv_2"
            ? RoutedHandler.Json(HttpStatusCode.InternalServerError, Responses.OpenAIError("server_error", "boom", "server_error"))
            : RoutedHandler.Json(HttpStatusCode.OK, ListItemsTests.OpenAIItems(false, $"{id}_a")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 1);

        var seen = new List<string>();
        var ex = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var export in client.ExportUserAsync("u"))
            {
                seen.Add(export.Conversation.Id);
            }
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen, Is.EqualTo(new[] { "conv_1" }));
            Assert.That(ex!.StatusCode, Is.EqualTo(500));
            Assert.That(ex.Message, Does.Contain("conv_2"));
            Assert.That(handler.Calls.Count(c => c.Contains("conv_2", StringComparison.Ordinal)), Is.EqualTo(2), "the page was retried");
            Assert.That(handler.Calls, Has.None.Contains("conv_3"));
        }
    }

    [Test]
    public void ExportUserAsync_ItemRouteMiss_ThrowsAndIsNotTakenForADeletedConversation()
    {
        var handler = OpenAIService(["conv_1"], _ => RoutedHandler.Json(HttpStatusCode.NotFound, """{"error":{"message":"Invalid URL (GET /v1/conversations/conv_1/items)","type":"invalid_request_error"}}"""));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ExportUserAsync("u").ToListAsync());

        Assert.That(ex!.Error!.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [Test]
    public void ExportUserAsync_ListingFails_Throws()
    {
        var handler = new RoutedHandler(_ => RoutedHandler.Json(HttpStatusCode.Unauthorized, Responses.OpenAIError("invalid_api_key", "bad key")));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ExportUserAsync("u").ToListAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task ExportUserAsync_Dify_ReadsEachConversationsMessagesBackAndYieldsThemOldestFirst()
    {
        var handler = new RoutedHandler(request =>
        {
            var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
            if (request.RequestUri.AbsolutePath == "/v1/conversations")
            {
                return RoutedHandler.Json(HttpStatusCode.OK, DifyConversations("c1", "c2"));
            }

            var id = query["conversation_id"];
            return query["first_id"] is null
                ? RoutedHandler.Json(HttpStatusCode.OK, ListItemsTests.DifyMessagesOf(id!, true, $"{id}-3", $"{id}-4"))
                : RoutedHandler.Json(HttpStatusCode.OK, ListItemsTests.DifyMessagesOf(id!, false, $"{id}-1", $"{id}-2"));
        });
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var exports = await client.ExportUserAsync("user 1").ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exports.Select(e => e.Conversation.Id), Is.EqualTo(new[] { "c1", "c2" }));
            Assert.That(exports[0].Items.Select(i => i.Id), Is.EqualTo(new[] { "c1-1", "c1-2", "c1-3", "c1-4" }));
            Assert.That(exports[1].Items.Select(i => i.Id), Is.EqualTo(new[] { "c2-1", "c2-2", "c2-3", "c2-4" }));
            Assert.That(handler.Calls, Is.EqualTo(new[]
            {
                "GET /v1/conversations?user=user%201&limit=100&sort_by=created_at",
                "GET /v1/messages?conversation_id=c1&user=user%201&limit=100",
                "GET /v1/messages?conversation_id=c1&user=user%201&first_id=c1-3&limit=100",
                "GET /v1/messages?conversation_id=c2&user=user%201&limit=100",
                "GET /v1/messages?conversation_id=c2&user=user%201&first_id=c2-3&limit=100",
            }));
        }
    }

    [Test]
    public async Task ExportUserAsync_DifyConversationNotExists_IsDeletedDuringExport()
    {
        var handler = new RoutedHandler(request => request.RequestUri!.AbsolutePath == "/v1/conversations"
            ? RoutedHandler.Json(HttpStatusCode.OK, DifyConversations("c1"))
            : RoutedHandler.Json(HttpStatusCode.NotFound, Responses.DifyNotFound));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var export = (await client.ExportUserAsync("u").ToListAsync()).Single();

        Assert.That(export.DeletedDuringExport, Is.True);
        Assert.That(export.Items, Is.Empty);
    }

    [Test]
    public void ExportUserAsync_BadUser_ThrowsBeforeAnyRequest()
    {
        var handler = new RoutedHandler(_ => throw new InvalidOperationException("no request expected"));
        var openAI = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var dify = TestClients.Create(ConversationApiDialect.Dify, handler);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => openAI.ExportUserAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => dify.ExportUserAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => openAI.ExportUserAsync(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => openAI.ExportUserAsync("é"), Throws.ArgumentException.With.Property("ParamName").EqualTo("user"));
            Assert.That(handler.Requests, Is.Empty);
        }
    }
}
