using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// The services' rules for a conversation's items (OpenAI dialect) and messages (Dify), over raw HTTP in memory: paging
/// as each service pages, 404s in each envelope, scoping, and what a conversation delete does to its items.
/// </summary>
public sealed class ServiceItemRulesTests
{
    private const string User = "user-1";

    [Test]
    public async Task OpenAIItems_DefaultToNewestFirst20_AndPageByAfter()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 25)[0];

        var first = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items");
        var firstTexts = Texts(first.Json);
        var second = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?after={first.Json.GetProperty("last_id").GetString()}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(200));
            Assert.That(first.Json.GetProperty("object").GetString(), Is.EqualTo("list"));
            Assert.That(firstTexts, Is.EqualTo(Enumerable.Range(6, 20).Reverse().Select(n => $"Seeded message {n}")));
            Assert.That(first.Json.GetProperty("has_more").GetBoolean(), Is.True);
            Assert.That(first.Json.GetProperty("first_id").GetString(), Is.EqualTo(Ids(first.Json)[0]));
            Assert.That(first.Json.GetProperty("last_id").GetString(), Is.EqualTo(Ids(first.Json)[^1]));
            Assert.That(Texts(second.Json), Is.EqualTo(Enumerable.Range(1, 5).Reverse().Select(n => $"Seeded message {n}")));
            Assert.That(second.Json.GetProperty("has_more").GetBoolean(), Is.False);
            Assert.That(service.Counters.ItemListPages, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task OpenAIItems_Ascending_PageOldestFirst_HasMoreOnlyWhileItemsAreLeft()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 20)[0];

        var texts = new List<string>();
        var hasMore = new List<bool>();
        string? after = null;
        do
        {
            var page = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc&limit=10" + (after is null ? "" : $"&after={after}"));
            texts.AddRange(Texts(page.Json));
            hasMore.Add(page.Json.GetProperty("has_more").GetBoolean());
            after = page.Json.GetProperty("last_id").GetString();
        }
        while (hasMore[^1]);

        Assert.That(texts, Is.EqualTo(Enumerable.Range(1, 20).Select(n => $"Seeded message {n}")));
        Assert.That(hasMore, Is.EqualTo(new[] { true, false }), "exactly a full last page has no more");
    }

    [Test]
    public async Task OpenAIItems_AreMessagesInTheSpecShape()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 2)[0];

        var page = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc");
        var user = page.Json.GetProperty("data")[0];
        var assistant = page.Json.GetProperty("data")[1];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(user.GetProperty("type").GetString(), Is.EqualTo("message"));
            Assert.That(user.GetProperty("id").GetString(), Does.StartWith("msg_"));
            Assert.That(user.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(user.GetProperty("role").GetString(), Is.EqualTo("user"));
            Assert.That(user.GetProperty("content")[0].GetProperty("type").GetString(), Is.EqualTo("input_text"));
            Assert.That(user.GetProperty("content")[0].TryGetProperty("annotations", out _), Is.False);
            Assert.That(assistant.GetProperty("role").GetString(), Is.EqualTo("assistant"));
            Assert.That(assistant.GetProperty("content")[0].GetProperty("type").GetString(), Is.EqualTo("output_text"));
            Assert.That(assistant.GetProperty("content")[0].GetProperty("annotations").GetArrayLength(), Is.Zero);
            Assert.That(assistant.GetProperty("content")[0].GetProperty("logprobs").GetArrayLength(), Is.Zero);
        }
    }

    [Test]
    public async Task OpenAIItems_OfAnEmptyConversation_AreAnEmptyPageWithNullCursors()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User)[0];

        var page = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items");

        Assert.That(page.Status, Is.EqualTo(200));
        Assert.That(page.Json.GetProperty("data").GetArrayLength(), Is.Zero);
        Assert.That(page.Json.GetProperty("first_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(page.Json.GetProperty("last_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(page.Json.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("order=newest", "order")]
    public async Task OpenAIItems_BadPaging_Is400NamingTheParameter(string query, string param)
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 3)[0];

        var page = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?{query}");

        Assert.That(page.Status, Is.EqualTo(400));
        Assert.That(page.Json.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo(param));
    }

    [Test]
    public async Task OpenAIItems_OfAnotherIsolationKeyOrAnUnknownConversation_Are404NotFound()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 3)[0];

        var otherKey = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items", isolationKey: "user-2");
        var noKey = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items", isolationKey: null);
        var unknown = await OpenAIAsync(service, HttpMethod.Get, "/conversations/conv_unknown/items");
        var otherKeyDelete = await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}/items/{await FirstItemAsync(service, id)}", isolationKey: "user-2");

        using (Assert.EnterMultipleScope())
        {
            foreach (var answer in new[] { otherKey, noKey, unknown, otherKeyDelete })
            {
                Assert.That(answer.Status, Is.EqualTo(404));
                Assert.That(answer.Json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("not_found"));
                Assert.That(answer.Json.GetProperty("error").GetProperty("message").GetString(), Does.StartWith("Conversation with id '"));
            }

            Assert.That(service.CountItems(id, User), Is.EqualTo(3));
        }
    }

    [Test]
    public async Task OpenAIItems_AnUnknownAfterIs404_ADeletedItemStaysACursor()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 4)[0];
        var items = Ids((await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc")).Json);
        await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}/items/{items[1]}");

        var unknown = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?after=msg_unknown");
        var afterDeleted = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc&after={items[1]}");

        Assert.That(unknown.Status, Is.EqualTo(404));
        Assert.That(unknown.Json.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo("after"));
        Assert.That(Ids(afterDeleted.Json), Is.EqualTo(items.Skip(2)));
    }

    [Test]
    public async Task OpenAIItemDelete_AnswersTheConversation_ThenTheItemIsGoneAndA404()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 3)[0];
        var item = await FirstItemAsync(service, id);

        var deleted = await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}/items/{item}");
        var again = await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}/items/{item}");
        var left = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted.Status, Is.EqualTo(200));
            Assert.That(deleted.Json.GetProperty("id").GetString(), Is.EqualTo(id));
            Assert.That(deleted.Json.GetProperty("object").GetString(), Is.EqualTo("conversation"));
            Assert.That(deleted.Json.TryGetProperty("deleted", out _), Is.False, "the conversation object, not a deleted marker");
            Assert.That(again.Status, Is.EqualTo(404));
            Assert.That(again.Json.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo($"Item with id '{item}' not found."));
            Assert.That(Ids(left.Json), Has.Count.EqualTo(2).And.No.EqualTo(item));
            Assert.That(service.CountItems(id, User), Is.EqualTo(2));
            Assert.That(service.Counters.ItemsDeleted, Is.EqualTo(1));
            Assert.That(service.Counters.DeletesNotFound, Is.EqualTo(1));
            Assert.That(service.Counters.ConversationsDeleted, Is.Zero);
        }
    }

    [Test]
    public async Task OpenAIConversationDelete_LeavesItsItemsStored_OutOfTheApisReach()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(2, User, items: 5);
        var item = await FirstItemAsync(service, ids[0]);

        var deleted = await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{ids[0]}");
        var get = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{ids[0]}");
        var list = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{ids[0]}/items");
        var itemDelete = await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{ids[0]}/items/{item}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted.Status, Is.EqualTo(200));
            Assert.That(get.Status, Is.EqualTo(404));
            Assert.That(list.Status, Is.EqualTo(404));
            Assert.That(itemDelete.Status, Is.EqualTo(404));
            Assert.That(service.CountItems(ids[0], User), Is.EqualTo(5), "OpenAI keeps a deleted conversation's items");
            Assert.That(service.CountOrphanedItems(User), Is.EqualTo(5));
            Assert.That(service.CountOrphanedItems("user-2"), Is.Zero);
            Assert.That(service.CountItems(ids[1], User), Is.EqualTo(5));
            Assert.That(service.Counters.ConversationGets, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task OpenAIConversationDelete_AfterItsItems_LeavesNothing()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 3)[0];

        foreach (var item in Ids((await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items")).Json))
        {
            await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}/items/{item}");
        }

        await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{id}");

        Assert.That(service.CountItems(id, User), Is.Zero);
        Assert.That(service.CountOrphanedItems(User), Is.Zero);
    }

    [Test]
    public async Task OpenAICreate_WithItems_StoresThemAsMessages()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);

        var created = await OpenAIAsync(service, HttpMethod.Post, "/conversations",
            json: """{"items":[{"type":"message","role":"user","content":"Hello!"},{"role":"assistant","content":[{"type":"output_text","text":"Hi"}]}]}""");
        var id = created.Json.GetProperty("id").GetString()!;
        var page = await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc");
        var tooMany = await OpenAIAsync(service, HttpMethod.Post, "/conversations",
            json: "{\"items\":[" + string.Join(",", Enumerable.Repeat("""{"role":"user","content":"x"}""", 21)) + "]}");

        Assert.That(Texts(page.Json), Is.EqualTo(new[] { "Hello!", "Hi" }));
        Assert.That(page.Json.GetProperty("data")[1].GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(tooMany.Status, Is.EqualTo(400));
        Assert.That(tooMany.Json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("array_above_max_length"));
    }

    [Test]
    public async Task DifyMessages_PageBackwardsFromTheNewest_EachPageOldestFirst()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var id = service.Seed(1, User, items: 25)[0];

        var pages = new List<JsonElement>();
        string? firstId = null;
        do
        {
            var page = await DifyAsync(service, $"/messages?conversation_id={id}&user={User}&limit=10" + (firstId is null ? "" : $"&first_id={firstId}"));
            Assert.That(page.Status, Is.EqualTo(200), page.Body);
            pages.Add(page.Json);
            firstId = page.Json.GetProperty("data")[0].GetProperty("id").GetString();
        }
        while (pages[^1].GetProperty("has_more").GetBoolean());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages, Has.Count.EqualTo(3));
            Assert.That(Queries(pages[0]), Is.EqualTo(Enumerable.Range(16, 10).Select(n => $"Seeded question {n}")));
            Assert.That(Queries(pages[1]), Is.EqualTo(Enumerable.Range(6, 10).Select(n => $"Seeded question {n}")));
            Assert.That(Queries(pages[2]), Is.EqualTo(Enumerable.Range(1, 5).Select(n => $"Seeded question {n}")));
            Assert.That(pages.Select(p => p.GetProperty("has_more").GetBoolean()), Is.EqualTo(new[] { true, true, false }));
            Assert.That(pages[0].GetProperty("limit").GetInt32(), Is.EqualTo(10));
            Assert.That(service.Counters.ItemListPages, Is.EqualTo(3));
        }
    }

    [TestCase(20, 20, false)]
    [TestCase(21, 20, true)]
    [TestCase(0, 20, false)]
    public async Task DifyMessages_HasMore_OnlyWhenOlderMessagesAreLeft(int messages, int limit, bool hasMore)
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var id = service.Seed(1, User, items: messages)[0];

        var page = await DifyAsync(service, $"/messages?conversation_id={id}&user={User}&limit={limit}");

        Assert.That(page.Json.GetProperty("has_more").GetBoolean(), Is.EqualTo(hasMore));
        Assert.That(page.Json.GetProperty("data").GetArrayLength(), Is.EqualTo(Math.Min(messages, limit)));
    }

    [Test]
    public async Task DifyMessages_DefaultTo20_InTheSpecShape()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var id = service.Seed(1, User, items: 22)[0];

        var page = await DifyAsync(service, $"/messages?conversation_id={id}&user={User}");
        var data = page.Json.GetProperty("data");
        var message = data[1];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Json.GetProperty("limit").GetInt32(), Is.EqualTo(20));
            Assert.That(data.GetArrayLength(), Is.EqualTo(20));
            Assert.That(Guid.TryParse(message.GetProperty("id").GetString(), out _), Is.True);
            Assert.That(message.GetProperty("conversation_id").GetString(), Is.EqualTo(id));
            Assert.That(message.GetProperty("parent_message_id").GetString(), Is.EqualTo(data[0].GetProperty("id").GetString()));
            Assert.That(message.GetProperty("inputs").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(message.GetProperty("query").GetString(), Is.EqualTo("Seeded question 4"));
            Assert.That(message.GetProperty("answer").GetString(), Is.EqualTo("Seeded answer 4"));
            Assert.That(message.GetProperty("status").GetString(), Is.EqualTo("normal"));
            Assert.That(message.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(message.GetProperty("message_files").GetArrayLength(), Is.Zero);
            Assert.That(message.GetProperty("feedback").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(message.GetProperty("retriever_resources").GetArrayLength(), Is.Zero);
            Assert.That(message.GetProperty("agent_thoughts").GetArrayLength(), Is.Zero);
            Assert.That(message.GetProperty("created_at").GetInt64(), Is.GreaterThan(data[0].GetProperty("created_at").GetInt64()));
        }
    }

    [Test]
    public async Task DifyMessages_OfAnotherUserAnUnknownOrADeletedConversation_Are404ConversationNotExists()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(2, User, items: 3);
        await DifyAsync(service, $"/conversations/{ids[1]}", HttpMethod.Delete, $$"""{"user":"{{User}}"}""");

        var otherUser = await DifyAsync(service, $"/messages?conversation_id={ids[0]}&user=user-2");
        var unknown = await DifyAsync(service, $"/messages?conversation_id={Guid.NewGuid()}&user={User}");
        var deleted = await DifyAsync(service, $"/messages?conversation_id={ids[1]}&user={User}");

        using (Assert.EnterMultipleScope())
        {
            foreach (var answer in new[] { otherUser, unknown, deleted })
            {
                Assert.That(answer.Status, Is.EqualTo(404));
                Assert.That(answer.Body, Is.EqualTo("""{"status":404,"code":"not_found","message":"Conversation Not Exists."}"""));
            }

            Assert.That(service.CountItems(ids[1], User), Is.Zero, "Dify deletes a conversation's messages with it");
            Assert.That(service.CountItems(ids[0], User), Is.EqualTo(3));
        }
    }

    [Test]
    public async Task DifyMessages_AnUnknownFirstId_Is404FirstMessageNotExists()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(2, User, items: 3);
        var ofOther = (await DifyAsync(service, $"/messages?conversation_id={ids[1]}&user={User}")).Json.GetProperty("data")[0].GetProperty("id").GetString();

        var unknown = await DifyAsync(service, $"/messages?conversation_id={ids[0]}&user={User}&first_id={Guid.NewGuid()}");
        var otherConversations = await DifyAsync(service, $"/messages?conversation_id={ids[0]}&user={User}&first_id={ofOther}");

        Assert.That(unknown.Body, Is.EqualTo("""{"status":404,"code":"not_found","message":"First Message Not Exists."}"""));
        Assert.That(otherConversations.Status, Is.EqualTo(404));
    }

    [TestCase("limit=0")]
    [TestCase("limit=101")]
    public async Task DifyMessages_BadLimit_Is400InvalidParam(string query)
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var id = service.Seed(1, User, items: 3)[0];

        var page = await DifyAsync(service, $"/messages?conversation_id={id}&user={User}&{query}");

        Assert.That(page.Status, Is.EqualTo(400));
        Assert.That(page.Json.GetProperty("code").GetString(), Is.EqualTo("invalid_param"));
    }

    [Test]
    public async Task DifyMessages_WithoutAConversationId_Is400()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);

        var page = await DifyAsync(service, $"/messages?user={User}");

        Assert.That(page.Status, Is.EqualTo(400));
        Assert.That(page.Json.GetProperty("code").GetString(), Is.EqualTo("invalid_param"));
    }

    [Test]
    public async Task DifyChat_StoresTheMessage_InItsConversation()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);

        var chat = await DifyAsync(service, "/chat-messages", HttpMethod.Post, $$"""{"query":"Hello","user":"{{User}}"}""");
        var id = chat.Json.GetProperty("conversation_id").GetString();
        var page = await DifyAsync(service, $"/messages?conversation_id={id}&user={User}");

        Assert.That(Queries(page.Json), Is.EqualTo(new[] { "Hello" }));
        Assert.That(page.Json.GetProperty("data")[0].GetProperty("id").GetString(), Is.EqualTo(chat.Json.GetProperty("message_id").GetString()));
    }

    [Test]
    public async Task StoredResponses_ListByConversationInOpenAIPages_ScopedByTheIsolationKey_AndOutliveTheConversation()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(2, User, responses: 3);
        var others = service.Seed(1, "user-2", responses: 1);

        var first = await OpenAIAsync(service, HttpMethod.Get, $"/responses?conversation_id={ids[0]}&order=asc&limit=2");
        var second = await OpenAIAsync(service, HttpMethod.Get, $"/responses?conversation_id={ids[0]}&order=asc&limit=2&after={Ids(first.Json)[^1]}");
        var ofAnother = await OpenAIAsync(service, HttpMethod.Get, $"/responses?conversation_id={others[0]}");
        var unknownAfter = await OpenAIAsync(service, HttpMethod.Get, "/responses?after=resp_nope");
        await OpenAIAsync(service, HttpMethod.Delete, $"/conversations/{ids[0]}");
        var afterItsDelete = await OpenAIAsync(service, HttpMethod.Get, $"/responses?conversation_id={ids[0]}");
        var orphaned = service.CountOrphanedResponses(User);
        var deleted = await OpenAIAsync(service, HttpMethod.Delete, $"/responses/{Ids(first.Json)[0]}");
        var again = await OpenAIAsync(service, HttpMethod.Delete, $"/responses/{Ids(first.Json)[0]}");
        var othersResponse = await OpenAIAsync(service, HttpMethod.Delete, $"/responses/{service.ResponseIds(others[0], "user-2")[0]}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ids(first.Json), Has.Count.EqualTo(2).And.All.StartWith("resp_"));
            Assert.That(first.Json.GetProperty("has_more").GetBoolean(), Is.True);
            Assert.That(Ids(second.Json), Has.Count.EqualTo(1));
            Assert.That(second.Json.GetProperty("has_more").GetBoolean(), Is.False);
            Assert.That(first.Json.GetProperty("data")[0].GetProperty("conversation").GetProperty("id").GetString(), Is.EqualTo(ids[0]));
            Assert.That(Ids(ofAnother.Json), Is.Empty, "another key's responses are not listed");
            Assert.That(unknownAfter.Status, Is.EqualTo(404));
            Assert.That(Ids(afterItsDelete.Json), Has.Count.EqualTo(3), "a conversation's delete leaves its responses");
            Assert.That(orphaned, Is.EqualTo(3));
            Assert.That(service.CountOrphanedResponses(User), Is.EqualTo(2), "one of them deleted since");
            Assert.That(deleted.Status, Is.EqualTo(200));
            Assert.That(deleted.Json.GetProperty("deleted").GetBoolean(), Is.True);
            Assert.That(deleted.Json.GetProperty("object").GetString(), Is.EqualTo("response"));
            Assert.That(again.Status, Is.EqualTo(404));
            Assert.That(again.Json.GetProperty("error").GetProperty("message").GetString(), Does.Contain("not found"));
            Assert.That(othersResponse.Status, Is.EqualTo(404), "another key's response cannot be deleted");
            Assert.That(service.Counters.ResponsesDeleted, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task StoredResponses_OpenAIsPublicPathHasNoList()
    {
        using var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, responses: 1)[0];
        using var http = new HttpClient(service, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://api.openai.com/v1/responses?conversation_id={id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestClients.ApiKey);
        request.Headers.Add(ConversationClientOptions.DefaultUserIsolationHeaderName, User);

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Invalid URL"));
    }

    private static async Task<string> FirstItemAsync(InMemoryConversationService service, string id) =>
        Ids((await OpenAIAsync(service, HttpMethod.Get, $"/conversations/{id}/items?order=asc")).Json)[0];

    private static List<string> Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    private static List<string> Texts(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("content")[0].GetProperty("text").GetString()!).ToList();

    private static List<string> Queries(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("query").GetString()!).ToList();

    private static Task<Answer> OpenAIAsync(InMemoryConversationService service, HttpMethod method, string path, string? isolationKey = User,
        string? json = null) =>
        SendAsync(service, ConversationApiDialect.OpenAI, method, path, isolationKey, json);

    private static Task<Answer> DifyAsync(InMemoryConversationService service, string path, HttpMethod? method = null, string? json = null) =>
        SendAsync(service, ConversationApiDialect.Dify, method ?? HttpMethod.Get, path, null, json);

    private static async Task<Answer> SendAsync(InMemoryConversationService service, ConversationApiDialect dialect, HttpMethod method, string path,
        string? isolationKey, string? json)
    {
        using var http = new HttpClient(service, disposeHandler: false);
        var options = TestClients.Options(dialect);
        using var request = new HttpRequestMessage(method, options.BaseAddress!.AbsoluteUri.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        if (isolationKey is not null)
        {
            request.Headers.Add(ConversationClientOptions.DefaultUserIsolationHeaderName, isolationKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, body);
    }

    private sealed record Answer(int Status, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }
}
