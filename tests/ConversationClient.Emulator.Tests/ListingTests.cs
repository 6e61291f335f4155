using System.Text.Json;

namespace ConversationClient.Emulator.Tests;

public sealed class ListingTests : EmulatorTestBase
{
    [Test]
    public async Task Dify_PagesByLastId_NewestFirst_OnlyTheUsersConversations()
    {
        var alice = Emulator.SeedDifyConversations(45, "alice");
        Emulator.SeedDifyConversations(3, "bob");

        var pages = new List<JsonElement>();
        string? lastId = null;
        do
        {
            var query = lastId is null ? "user=alice&limit=20" : $"user=alice&limit=20&last_id={lastId}";
            var page = await SendAsync(HttpMethod.Get, $"v1/conversations?{query}", Emulator.DifyApiKey);
            Assert.That(page.Status, Is.EqualTo(200));
            pages.Add(page.Json);
            lastId = page.Json.GetProperty("data").EnumerateArray().LastOrDefault().GetProperty("id").GetString();
        }
        while (pages[^1].GetProperty("has_more").GetBoolean() && pages.Count < 10);

        var ids = pages.SelectMany(page => page.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(page => page.GetProperty("data").GetArrayLength()), Is.EqualTo(new[] { 20, 20, 5 }));
            Assert.That(pages.Select(page => page.GetProperty("has_more").GetBoolean()), Is.EqualTo(new[] { true, true, false }));
            Assert.That(pages.Select(page => page.GetProperty("limit").GetInt32()), Has.All.EqualTo(20));
            Assert.That(ids, Is.EqualTo(alice.Reverse()));
        });
    }

    [Test]
    public async Task Dify_ItemsHaveTheDocumentedFields()
    {
        Emulator.SeedDifyConversation("alice", "Trip plans");

        var page = await SendAsync(HttpMethod.Get, "v1/conversations?user=alice", Emulator.DifyApiKey);

        var item = page.Json.GetProperty("data")[0];
        Assert.Multiple(() =>
        {
            Assert.That(item.EnumerateObject().Select(p => p.Name),
                Is.EquivalentTo(new[] { "id", "name", "inputs", "status", "introduction", "created_at", "updated_at" }));
            Assert.That(item.GetProperty("name").GetString(), Is.EqualTo("Trip plans"));
            Assert.That(item.GetProperty("status").GetString(), Is.EqualTo("normal"));
            Assert.That(item.GetProperty("inputs").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(page.Json.GetProperty("limit").GetInt32(), Is.EqualTo(20));
        });
    }

    [Test]
    public async Task Dify_SortByCreatedAt_IsOldestFirst()
    {
        var seeded = Emulator.SeedDifyConversations(5, "alice");

        var page = await SendAsync(HttpMethod.Get, "v1/conversations?user=alice&sort_by=created_at", Emulator.DifyApiKey);

        var ids = page.Json.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString());
        Assert.That(ids, Is.EqualTo(seeded));
    }

    [Test]
    public async Task Dify_NoConversations_GivesAnEmptyLastPage()
    {
        var page = await SendAsync(HttpMethod.Get, "v1/conversations?user=nobody", Emulator.DifyApiKey);

        Assert.That(page.Json.GetProperty("data").GetArrayLength(), Is.Zero);
        Assert.That(page.Json.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("limit=ten")]
    [TestCase("sort_by=name")]
    public async Task Dify_InvalidParameter_Returns400(string query)
    {
        var page = await SendAsync(HttpMethod.Get, $"v1/conversations?user=alice&{query}", Emulator.DifyApiKey);

        Assert.That(page.Status, Is.EqualTo(400));
        Assert.That(page.Json.GetProperty("code").GetString(), Is.EqualTo("invalid_param"));
    }

    [Test]
    public async Task Dify_UnknownOrDeletedLastId_Returns404()
    {
        var ids = Emulator.SeedDifyConversations(3, "alice");
        await DifyClient().DeleteAsync(ids[1], "alice");

        var unknown = await SendAsync(HttpMethod.Get, $"v1/conversations?user=alice&last_id={Guid.NewGuid()}", Emulator.DifyApiKey);
        var deleted = await SendAsync(HttpMethod.Get, $"v1/conversations?user=alice&last_id={ids[1]}", Emulator.DifyApiKey);
        var othersUser = await SendAsync(HttpMethod.Get, $"v1/conversations?user=bob&last_id={ids[0]}", Emulator.DifyApiKey);

        Assert.That(new[] { unknown.Status, deleted.Status, othersUser.Status }, Has.All.EqualTo(404));
        Assert.That(unknown.Json.GetProperty("message").GetString(), Is.EqualTo("Last Conversation Not Exists."));
    }

    [Test]
    public async Task Foundry_PagesByAfter_InCreationOrder_ScopedByIsolationKey()
    {
        var mine = Emulator.SeedOpenAIConversations(25, "alice");
        Emulator.SeedOpenAIConversations(2, "bob");
        Emulator.SeedOpenAIConversations(1);

        var pages = new List<JsonElement>();
        string? after = null;
        do
        {
            var query = after is null ? "limit=10&order=asc" : $"limit=10&order=asc&after={after}";
            var page = await SendAsync(HttpMethod.Get, $"openai/v1/conversations?{query}", Emulator.OpenAIApiKey, null,
                (Emulator.UserIsolationHeaderName, "alice"));
            Assert.That(page.Status, Is.EqualTo(200));
            pages.Add(page.Json);
            after = page.Json.GetProperty("last_id").GetString();
        }
        while (pages[^1].GetProperty("has_more").GetBoolean() && pages.Count < 10);

        var data = pages.Select(page => page.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString()).ToList()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(page => page.GetProperty("object").GetString()), Has.All.EqualTo("list"));
            Assert.That(data.Select(page => page.Count), Is.EqualTo(new[] { 10, 10, 5 }));
            Assert.That(pages.Select(page => page.GetProperty("has_more").GetBoolean()), Is.EqualTo(new[] { true, true, false }));
            Assert.That(pages.Select(page => page.GetProperty("first_id").GetString()), Is.EqualTo(data.Select(page => page[0])));
            Assert.That(pages.Select(page => page.GetProperty("last_id").GetString()), Is.EqualTo(data.Select(page => page[^1])));
            Assert.That(data.SelectMany(page => page), Is.EqualTo(mine));
        });
    }

    [Test]
    public async Task Foundry_DefaultOrder_IsNewestFirst_AndLimitDefaultsTo20()
    {
        var mine = Emulator.SeedOpenAIConversations(25);

        var page = await SendAsync(HttpMethod.Get, "openai/v1/conversations", Emulator.OpenAIApiKey);

        var ids = page.Json.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString());
        Assert.That(ids, Is.EqualTo(mine.Reverse().Take(20)));
        Assert.That(page.Json.GetProperty("has_more").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Foundry_CursorOfADeletedConversation_StillPages()
    {
        var mine = Emulator.SeedOpenAIConversations(4);
        await OpenAIClient().DeleteAsync(mine[1]);

        var page = await SendAsync(HttpMethod.Get, $"openai/v1/conversations?order=asc&after={mine[1]}", Emulator.OpenAIApiKey);

        var ids = page.Json.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString());
        Assert.That(ids, Is.EqualTo(mine.Skip(2)));
    }

    [Test]
    public async Task Foundry_EmptyScope_GivesAnEmptyPageWithNullCursors()
    {
        Emulator.SeedOpenAIConversations(2, "alice");

        var page = await SendAsync(HttpMethod.Get, "openai/v1/conversations", Emulator.OpenAIApiKey, null,
            (Emulator.UserIsolationHeaderName, "nobody"));

        Assert.Multiple(() =>
        {
            Assert.That(page.Json.GetProperty("data").GetArrayLength(), Is.Zero);
            Assert.That(page.Json.GetProperty("has_more").GetBoolean(), Is.False);
            Assert.That(page.Json.GetProperty("first_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(page.Json.GetProperty("last_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [TestCase("limit=0", 400)]
    [TestCase("limit=101", 400)]
    [TestCase("order=newest", 400)]
    [TestCase("after=conv_unknown", 404)]
    public async Task Foundry_InvalidParameter_IsRefused(string query, int status)
    {
        var page = await SendAsync(HttpMethod.Get, $"openai/v1/conversations?{query}", Emulator.OpenAIApiKey);

        Assert.That(page.Status, Is.EqualTo(status));
        Assert.That(page.Json.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
    }
}
