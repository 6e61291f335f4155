using System.Text.Json;
using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>
/// Conversation items (OpenAI and Azure AI Foundry) and Dify messages over HTTP: seeding through the admin endpoint and
/// the API, paging both ways, 404s, scoping, the rate limit on item deletes, and what a conversation delete leaves.
/// </summary>
public sealed class ItemTests : EmulatorTestBase
{
    private const string IsolationHeader = "x-ms-user-isolation-key";

    [Test]
    public async Task AdminSeed_WithItems_GivesEachConversationItsItems()
    {
        var openAI = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"openai","count":2,"user":"key-1","items":5}""");
        var dify = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"dify","count":2,"user":"dora","items":3}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(openAI.Status, Is.EqualTo(200));
            Assert.That(dify.Status, Is.EqualTo(200));
            Assert.That(Ids(openAI.Json, "ids").Select(id => Emulator.CountOpenAIItems(id, "key-1")), Is.All.EqualTo(5));
            Assert.That(Ids(dify.Json, "ids").Select(id => Emulator.CountDifyMessages(id, "dora")), Is.All.EqualTo(3));
        }
    }

    [TestCase("""{"dialect":"openai","count":1,"items":-1}""")]
    [TestCase("""{"dialect":"openai","count":1,"items":1001}""")]
    [TestCase("""{"dialect":"dify","count":2000,"user":"dora","items":1000}""")]
    public async Task AdminSeed_ItemsOutOfRange_Returns400(string body)
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/seed", null, body);

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(Emulator.GetCounters().ConversationsCreated, Is.Zero);
    }

    [TestCase("v1")]
    [TestCase("openai/v1")]
    public async Task OpenAIItems_PageBothWays_DefaultNewestFirst(string basePath)
    {
        var id = Emulator.SeedOpenAIConversations(1, "key-1", itemsEach: 25)[0];

        var byDefault = await OpenAIAsync(HttpMethod.Get, $"{basePath}/conversations/{id}/items", "key-1");
        var ascending = await ReadAllAsync(basePath, id, "asc", limit: 10);
        var descending = await ReadAllAsync(basePath, id, "desc", limit: 10);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byDefault.Status, Is.EqualTo(200));
            Assert.That(Ids(byDefault.Json, "data"), Is.EqualTo(descending.Take(20)), "default: 20, newest first");
            Assert.That(byDefault.Json.GetProperty("has_more").GetBoolean(), Is.True);
            Assert.That(ascending, Has.Count.EqualTo(25).And.Unique);
            Assert.That(descending, Is.EqualTo(Enumerable.Reverse(ascending)));
            Assert.That(Emulator.GetCounters().ItemListPages, Is.EqualTo(7));
        }
    }

    [Test]
    public async Task OpenAIItems_UnknownConversationOtherKeyOrNone_Are404InTheOpenAIEnvelope()
    {
        var id = Emulator.SeedOpenAIConversations(1, "key-1", itemsEach: 2)[0];

        var otherKey = await OpenAIAsync(HttpMethod.Get, $"v1/conversations/{id}/items", "key-2");
        var noKey = await OpenAIAsync(HttpMethod.Get, $"v1/conversations/{id}/items", null);
        var unknown = await OpenAIAsync(HttpMethod.Get, "v1/conversations/conv_missing/items", "key-1");
        var unknownItem = await OpenAIAsync(HttpMethod.Delete, $"v1/conversations/{id}/items/msg_missing", "key-1");

        using (Assert.EnterMultipleScope())
        {
            foreach (var answer in new[] { otherKey, noKey, unknown, unknownItem })
            {
                Assert.That(answer.Status, Is.EqualTo(404));
                Assert.That(answer.Json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("not_found"));
                Assert.That(answer.Header("x-request-id"), Does.StartWith("req_"));
            }

            Assert.That(unknownItem.Json.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Item with id 'msg_missing' not found."));
        }
    }

    [Test]
    public async Task OpenAIConversation_GetAnswersTheObject_ThenA404OnceDeleted()
    {
        var id = Emulator.SeedOpenAIConversations(1, "key-1")[0];

        var before = await OpenAIAsync(HttpMethod.Get, $"openai/v1/conversations/{id}", "key-1");
        await OpenAIAsync(HttpMethod.Delete, $"openai/v1/conversations/{id}", "key-1");
        var after = await OpenAIAsync(HttpMethod.Get, $"openai/v1/conversations/{id}", "key-1");

        Assert.That(before.Status, Is.EqualTo(200));
        Assert.That(before.Json.GetProperty("object").GetString(), Is.EqualTo("conversation"));
        Assert.That(after.Status, Is.EqualTo(404));
        Assert.That(Emulator.GetCounters().ConversationGets, Is.EqualTo(2));
    }

    [Test]
    public async Task OpenAIConversationDelete_LeavesItsItems_WhichTheAdminEndpointCounts()
    {
        var ids = Emulator.SeedOpenAIConversations(3, "key-1", itemsEach: 20);
        Emulator.SeedOpenAIConversations(1, "key-2", itemsEach: 20);
        var client = AzureClient();
        var firstItems = await ReadAllAsync("openai/v1", ids[0], "asc", limit: 100);

        // The first conversation's items are deleted before it; the others are deleted as DeleteAsync deletes: alone.
        foreach (var item in firstItems)
        {
            var deleted = await OpenAIAsync(HttpMethod.Delete, $"openai/v1/conversations/{ids[0]}/items/{item}", "key-1");
            Assert.That(deleted.Json.GetProperty("id").GetString(), Is.EqualTo(ids[0]));
        }

        foreach (var id in ids)
        {
            Assert.That((await client.DeleteAsync(id, "key-1")).Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        }

        var left = await OpenAIAsync(HttpMethod.Get, $"openai/v1/conversations/{ids[1]}/items", "key-1");
        var ofKey1 = await SendAsync(HttpMethod.Get, "__emulator/orphaned-items?user=key-1", null);
        var ofAll = await SendAsync(HttpMethod.Get, "__emulator/orphaned-items", null);
        var ofNoKey = await SendAsync(HttpMethod.Get, "__emulator/orphaned-items?user=", null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(left.Status, Is.EqualTo(404), "a deleted conversation's items are out of the API's reach");
            Assert.That(Emulator.CountOrphanedOpenAIItems("key-1"), Is.EqualTo(40));
            Assert.That(Emulator.CountOpenAIItems(ids[0], "key-1"), Is.Zero);
            Assert.That(Emulator.CountOpenAIItems(ids[1], "key-1"), Is.EqualTo(20));
            Assert.That(ofKey1.Body, Is.EqualTo("""{"user":"key-1","all_users":false,"orphaned_items":40,"orphaned_responses":0}"""));
            Assert.That(ofAll.Json.GetProperty("orphaned_items").GetInt32(), Is.EqualTo(40));
            Assert.That(ofAll.Json.GetProperty("all_users").GetBoolean(), Is.True);
            Assert.That(ofNoKey.Json.GetProperty("orphaned_items").GetInt32(), Is.Zero);
            var counters = Emulator.GetCounters();
            Assert.That(counters.ItemsDeleted, Is.EqualTo(20));
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(3));
            Assert.That(counters.DeleteRequests, Is.EqualTo(23));
        }
    }

    [Test]
    public async Task ItemDeletes_AreRefusedByTheDeleteRateLimit_AndNothingIsDeleted()
    {
        var id = Emulator.SeedOpenAIConversations(1, "key-1", itemsEach: 3)[0];
        var items = await ReadAllAsync("v1", id, "asc", limit: 10);
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 0.001, Burst = 1 });

        var first = await OpenAIAsync(HttpMethod.Delete, $"v1/conversations/{id}/items/{items[0]}", "key-1");
        var second = await OpenAIAsync(HttpMethod.Delete, $"v1/conversations/{id}/items/{items[1]}", "key-1");

        Assert.That(first.Status, Is.EqualTo(200));
        Assert.That(second.Status, Is.EqualTo(429));
        Assert.That(second.Json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
        Assert.That(Emulator.CountOpenAIItems(id, "key-1"), Is.EqualTo(2));
        Assert.That(Emulator.GetCounters().DeletesRateLimited, Is.EqualTo(1));
    }

    [Test]
    public async Task ItemPages_PassThroughTheInjectedFaults()
    {
        var id = Emulator.SeedOpenAIConversations(1, "key-1", itemsEach: 3)[0];
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 500, Method = "GET" });

        var faulted = await OpenAIAsync(HttpMethod.Get, $"v1/conversations/{id}/items", "key-1");
        var served = await OpenAIAsync(HttpMethod.Get, $"v1/conversations/{id}/items", "key-1");

        Assert.That(faulted.Status, Is.EqualTo(500));
        Assert.That(served.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task DifyMessages_PageBackwardsFromTheNewest_AndAreScopedToTheUser()
    {
        var id = Emulator.SeedDifyConversations(1, "dora", messagesEach: 7)[0];

        var queries = new List<List<string>>();
        string? firstId = null;
        JsonElement page;
        do
        {
            var response = await SendAsync(HttpMethod.Get,
                $"v1/messages?conversation_id={id}&user=dora&limit=3" + (firstId is null ? "" : $"&first_id={firstId}"), Emulator.DifyApiKey);
            Assert.That(response.Status, Is.EqualTo(200), response.Body);
            page = response.Json;
            queries.Add(page.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("query").GetString()!).ToList());
            firstId = page.GetProperty("data")[0].GetProperty("id").GetString();
        }
        while (page.GetProperty("has_more").GetBoolean());

        var otherUser = await SendAsync(HttpMethod.Get, $"v1/messages?conversation_id={id}&user=bob", Emulator.DifyApiKey);
        var unknownFirst = await SendAsync(HttpMethod.Get, $"v1/messages?conversation_id={id}&user=dora&first_id={Guid.NewGuid()}", Emulator.DifyApiKey);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(queries, Is.EqualTo(new[]
            {
                new List<string> { "Seeded question 5", "Seeded question 6", "Seeded question 7" },
                new List<string> { "Seeded question 2", "Seeded question 3", "Seeded question 4" },
                new List<string> { "Seeded question 1" },
            }));
            Assert.That(otherUser.Body, Is.EqualTo("""{"status":404,"code":"not_found","message":"Conversation Not Exists."}"""));
            Assert.That(unknownFirst.Body, Is.EqualTo("""{"status":404,"code":"not_found","message":"First Message Not Exists."}"""));
        }
    }

    [Test]
    public async Task DifyConversationDelete_RemovesItsMessages()
    {
        var ids = Emulator.SeedDifyConversations(2, "dora", messagesEach: 4);

        var result = await DifyClient().DeleteAsync(ids[0], "dora");
        var messages = await SendAsync(HttpMethod.Get, $"v1/messages?conversation_id={ids[0]}&user=dora&limit=1", Emulator.DifyApiKey);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(messages.Status, Is.EqualTo(404));
        Assert.That(messages.Json.GetProperty("message").GetString(), Is.EqualTo("Conversation Not Exists."));
        Assert.That(Emulator.CountDifyMessages(ids[0], "dora"), Is.Zero);
        Assert.That(Emulator.CountDifyMessages(ids[1], "dora"), Is.EqualTo(4));
    }

    [Test]
    public async Task DifyChatMessages_AreListedInTheirConversation()
    {
        var chat = await SendAsync(HttpMethod.Post, "v1/chat-messages", Emulator.DifyApiKey, """{"query":"Hi there","user":"dora"}""");
        var id = chat.Json.GetProperty("conversation_id").GetString();
        var next = await SendAsync(HttpMethod.Post, "v1/chat-messages", Emulator.DifyApiKey, $$"""{"query":"And again","user":"dora","conversation_id":"{{id}}"}""");

        var messages = await SendAsync(HttpMethod.Get, $"v1/messages?conversation_id={id}&user=dora", Emulator.DifyApiKey);

        Assert.That(next.Status, Is.EqualTo(200));
        Assert.That(messages.Json.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("query").GetString()),
            Is.EqualTo(new[] { "Hi there", "And again" }));
    }

    private Task<RawResponse> OpenAIAsync(HttpMethod method, string path, string? isolationKey) =>
        isolationKey is null
            ? SendAsync(method, path, Emulator.OpenAIApiKey)
            : SendAsync(method, path, Emulator.OpenAIApiKey, null, (IsolationHeader, isolationKey));

    private async Task<List<string>> ReadAllAsync(string basePath, string id, string order, int limit)
    {
        var ids = new List<string>();
        string? after = null;
        JsonElement page;
        do
        {
            var response = await OpenAIAsync(HttpMethod.Get,
                $"{basePath}/conversations/{id}/items?order={order}&limit={limit}" + (after is null ? "" : $"&after={after}"), "key-1");
            Assert.That(response.Status, Is.EqualTo(200), response.Body);
            page = response.Json;
            ids.AddRange(Ids(page, "data"));
            after = page.GetProperty("last_id").GetString();
        }
        while (page.GetProperty("has_more").GetBoolean());

        return ids;
    }

    private static List<string> Ids(JsonElement body, string member) =>
        body.GetProperty(member).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("id").GetString()!).ToList();
}
