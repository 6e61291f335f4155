using System.Text;
using System.Text.Json;
using ConversationClient.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// ConversationServiceStub's items (OpenAI dialect) and messages (Dify) over real sockets: seeding, paging, item deletes
/// under the faults and the rate limit, and what a conversation delete leaves behind in each service.
/// </summary>
public sealed class ServiceStubItemTests
{
    [TestCase(ConversationServiceKind.OpenAI)]
    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    public async Task AddConversationsWithItems_OpenAIDialect_ItemsPageBothWays(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var ids = stub.AddConversationsWithItems(2, itemsEach: 7, user: "user-1");
        using var http = new HttpClient();

        var newestFirst = await ReadAllItemsAsync(http, stub, ids[0], "user-1", "desc");
        var oldestFirst = await ReadAllItemsAsync(http, stub, ids[0], "user-1", "asc");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(oldestFirst, Has.Count.EqualTo(7));
            Assert.That(newestFirst, Is.EqualTo(Enumerable.Reverse(oldestFirst)));
            Assert.That(oldestFirst, Is.All.StartWith("msg_"));
            Assert.That(stub.CountItems(ids[1], "user-1"), Is.EqualTo(7));
            Assert.That(stub.GetCounters().ItemListPages, Is.EqualTo(6), "three items a page: 3, 3 and 1, each way");
        }
    }

    [TestCase(ConversationServiceKind.OpenAI)]
    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    public async Task Items_AreScopedByTheIsolationKey(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversationsWithItems(1, itemsEach: 2, user: "user-1")[0];
        using var http = new HttpClient();
        var item = (await ReadAllItemsAsync(http, stub, id, "user-1", "asc"))[0];

        using var list = await SendAsync(http, stub, HttpMethod.Get, $"/conversations/{id}/items", "user-2");
        using var delete = await SendAsync(http, stub, HttpMethod.Delete, $"/conversations/{id}/items/{item}", "user-2");

        Assert.That((int)list.StatusCode, Is.EqualTo(404));
        Assert.That((int)delete.StatusCode, Is.EqualTo(404));
        Assert.That(stub.CountItems(id, "user-1"), Is.EqualTo(2));
        Assert.That(stub.CountItems(id, "user-2"), Is.Zero, "not that key's conversation");
    }

    [Test]
    public async Task EraseUserAsync_OnFoundry_LeavesTheItemsStored_AndTheStubShowsThem()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry);
        var ids = stub.AddConversationsWithItems(3, itemsEach: 4, user: "user-42");
        stub.AddConversationsWithItems(1, itemsEach: 4, user: "user-7");
        var client = ConversationClientFactory.Create(stub.CreateClientOptions());

        // Conversation deletes alone, as DeleteAsync does: the service keeps the items.
        foreach (var id in ids)
        {
            await client.DeleteAsync(id, "user-42");
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids.Any(id => stub.ConversationExists(id, "user-42")), Is.False);
            Assert.That(stub.CountOrphanedItems("user-42"), Is.EqualTo(12));
            Assert.That(stub.CountItems(ids[0], "user-42"), Is.EqualTo(4));
            Assert.That(stub.CountOrphanedItems("user-7"), Is.Zero);
        }
    }

    [Test]
    public async Task EraseUserAsync_OnDify_RemovesTheMessagesWithTheConversations()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var ids = stub.AddConversationsWithItems(3, itemsEach: 4, user: "user-42");
        var client = ConversationClientFactory.Create(stub.CreateClientOptions());
        using var http = new HttpClient();

        var report = await client.EraseUserAsync("user-42");
        using var messages = await SendAsync(http, stub, HttpMethod.Get, $"/messages?conversation_id={ids[0]}&user=user-42", null);

        Assert.That(report.Deleted, Is.EqualTo(3), report.ToString());
        Assert.That(ids.Sum(id => stub.CountItems(id, "user-42")), Is.Zero);
        Assert.That(stub.CountOrphanedItems("user-42"), Is.Zero);
        Assert.That((int)messages.StatusCode, Is.EqualTo(404));
        Assert.That(await messages.Content.ReadAsStringAsync(), Does.Contain("Conversation Not Exists."));
    }

    [Test]
    public async Task DifyMessages_PageBackwardsByFirstId_EachPageOldestFirst()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversationsWithItems(1, itemsEach: 5, user: "user-1")[0];
        using var http = new HttpClient();

        var pages = new List<List<string>>();
        string? firstId = null;
        bool hasMore;
        do
        {
            using var response = await SendAsync(http, stub, HttpMethod.Get,
                $"/messages?conversation_id={id}&user=user-1&limit=2" + (firstId is null ? "" : $"&first_id={firstId}"), null);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            pages.Add(page.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("query").GetString()!).ToList());
            firstId = page.GetProperty("data")[0].GetProperty("id").GetString();
            hasMore = page.GetProperty("has_more").GetBoolean();
        }
        while (hasMore);

        Assert.That(pages, Is.EqualTo(new[]
        {
            new List<string> { "Seeded question 4", "Seeded question 5" },
            new List<string> { "Seeded question 2", "Seeded question 3" },
            new List<string> { "Seeded question 1" },
        }));
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public void AddItems_AddsToAConversationOfTheUser_AndRefusesAnotherUsers(ConversationServiceKind kind)
    {
        using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");

        var added = stub.AddItems(id, 3, "user-1");

        Assert.That(added, Has.Count.EqualTo(3).And.Unique);
        Assert.That(stub.CountItems(id, "user-1"), Is.EqualTo(3));
        Assert.That(() => stub.AddItems(id, 1, "user-2"), Throws.ArgumentException.With.Property("ParamName").EqualTo("conversationId"));
        Assert.That(() => stub.AddItems(id, -1, "user-1"), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => stub.AddConversationsWithItems(1, -1, "user-1"), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task ItemDeletes_TakeTheDeleteRateLimitsTokens_AndAreCounted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry, clock);
        var id = stub.AddConversationsWithItems(1, itemsEach: 3, user: "user-1")[0];
        using var http = new HttpClient();
        var items = await ReadAllItemsAsync(http, stub, id, "user-1", "asc");
        stub.LimitDeleteRate(10, burst: 2);

        var statuses = new List<int>();
        foreach (var item in items)
        {
            using var response = await SendAsync(http, stub, HttpMethod.Delete, $"/conversations/{id}/items/{item}", "user-1");
            statuses.Add((int)response.StatusCode);
        }

        var counters = stub.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.EqualTo(new[] { 200, 200, 429 }));
            Assert.That(counters.DeleteRequests, Is.EqualTo(3));
            Assert.That(counters.DeletesRateLimited, Is.EqualTo(1));
            Assert.That(counters.ItemsDeleted, Is.EqualTo(2));
            Assert.That(counters.ConversationsDeleted, Is.Zero);
            Assert.That(stub.CountItems(id, "user-1"), Is.EqualTo(1));
            Assert.That(stub.Deletes, Is.Empty, "Deletes lists conversation deletes only");
        }
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task ItemLists_PassThroughTheInjectedFaults(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversationsWithItems(1, itemsEach: 2, user: "user-1")[0];
        stub.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 503, Method = "GET" });
        using var http = new HttpClient();
        var path = kind == ConversationServiceKind.Dify ? $"/messages?conversation_id={id}&user=user-1" : $"/conversations/{id}/items";

        using var first = await SendAsync(http, stub, HttpMethod.Get, path, "user-1");
        using var second = await SendAsync(http, stub, HttpMethod.Get, path, "user-1");

        Assert.That((int)first.StatusCode, Is.EqualTo(503));
        Assert.That((int)second.StatusCode, Is.EqualTo(200));
        Assert.That(stub.GetCounters().FaultsInjected, Is.EqualTo(1));
        Assert.That(stub.GetCounters().ItemListPages, Is.EqualTo(1));
    }

    [Test]
    public async Task AddResponses_OnFoundry_AConversationDeleteLeavesThem_AndAnErasureDeletesThem()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry);
        var ids = stub.AddConversations(2, "user-1");
        var responses = stub.AddResponses(ids[0], 3, "user-1");
        stub.AddResponses(ids[1], 2, "user-1");
        var theirs = stub.AddConversation("user-2");
        stub.AddResponses(theirs, 4, "user-2");
        var client = ConversationClientFactory.Create(stub.CreateClientOptions());

        var deleted = await client.DeleteAsync(ids[0], "user-1");
        var leftByTheDelete = (stub.CountResponses(ids[0], "user-1"), stub.CountOrphanedResponses("user-1"));
        var erased = (await client.EraseConversationsAsync([ids[1]], "user-1").ToListAsync()).Single();

        var counters = stub.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(responses, Has.Count.EqualTo(3));
            Assert.That(responses, Is.All.StartWith("resp_"));
            Assert.That(responses, Is.Unique);
            Assert.That(deleted.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), deleted.ToString());
            Assert.That(leftByTheDelete, Is.EqualTo((3, 3)), "the conversation's delete leaves its stored responses");
            Assert.That(erased.ResponsesDeleted, Is.EqualTo(2), erased.ToString());
            Assert.That(stub.CountResponses(ids[1], "user-1"), Is.Zero);
            Assert.That(stub.CountOrphanedResponses("user-1"), Is.EqualTo(3), "only the first conversation's");
            Assert.That(stub.CountResponses(theirs, "user-2"), Is.EqualTo(4));
            Assert.That(stub.CountResponses(theirs, "user-1"), Is.Zero, "another isolation key's");
            Assert.That(counters.ResponsesDeleted, Is.EqualTo(2));
            Assert.That(counters.ResponseListPages, Is.GreaterThanOrEqualTo(1));
        }
    }

    [Test]
    public async Task AddResponses_OnOpenAI_TheyAreNotListed_OpenAIsPublicApiHasNoList()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);
        var id = stub.AddConversation("user-1");
        stub.AddResponses(id, 2, "user-1");
        using var http = new HttpClient();

        using var list = await SendAsync(http, stub, HttpMethod.Get, $"/responses?conversation_id={id}", "user-1");

        Assert.That((int)list.StatusCode, Is.EqualTo(404));
        Assert.That(stub.CountResponses(id, "user-1"), Is.EqualTo(2));
        Assert.That(() => stub.AddResponses(id, 1, "user-2"), Throws.ArgumentException.With.Property("ParamName").EqualTo("conversationId"));
    }

    /// <summary>Reads every item id of a conversation, three to a page, in the order asked for.</summary>
    private static async Task<List<string>> ReadAllItemsAsync(HttpClient http, ConversationServiceStub stub, string id, string user, string order)
    {
        var ids = new List<string>();
        string? after = null;
        bool hasMore;
        do
        {
            using var response = await SendAsync(http, stub, HttpMethod.Get,
                $"/conversations/{id}/items?limit=3&order={order}" + (after is null ? "" : $"&after={after}"), user);
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString()!));
            after = page.GetProperty("last_id").GetString();
            hasMore = page.GetProperty("has_more").GetBoolean();
        }
        while (hasMore);

        return ids;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, ConversationServiceStub stub, HttpMethod method, string path, string? isolationKey)
    {
        using var request = new HttpRequestMessage(method, new Uri(stub.BaseAddress + path));
        request.Headers.Authorization = new("Bearer", stub.ApiKey);
        if (isolationKey is not null && stub.Kind != ConversationServiceKind.Dify)
        {
            request.Headers.Add("x-ms-user-isolation-key", isolationKey);
        }

        return await http.SendAsync(request);
    }
}
