using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

public sealed class AdminEndpointTests : EmulatorTestBase
{
    [Test]
    public async Task Seed_Dify_CreatesConversationsForTheUser()
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"dify","count":5,"user":"dora"}""");

        Assert.That(response.Status, Is.EqualTo(200));
        var ids = response.Json.GetProperty("ids").EnumerateArray().Select(id => id.GetString()!).ToList();
        Assert.That(ids, Has.Count.EqualTo(5));
        Assert.That(ids, Has.All.Matches<string>(id => Emulator.DifyConversationExists(id, "dora")));
        Assert.That(Emulator.CountDifyConversations("dora"), Is.EqualTo(5));
    }

    [Test]
    public async Task Seed_OpenAI_UsesTheUserAsIsolationKey()
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"openai","count":3,"user":"key-1"}""");

        var id = response.Json.GetProperty("ids")[0].GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(Emulator.CountOpenAIConversations("key-1"), Is.EqualTo(3));
            Assert.That(Emulator.CountOpenAIConversations(), Is.Zero);
            Assert.That(Emulator.OpenAIConversationExists(id, "key-1"), Is.True);
        });
    }

    [TestCase("""{"dialect":"gemini","count":1}""")]
    [TestCase("""{"dialect":"dify","count":1}""")]
    [TestCase("""{"dialect":"openai","count":0}""")]
    [TestCase("not json")]
    public async Task Seed_Invalid_Returns400(string body)
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/seed", null, body);

        Assert.That(response.Status, Is.EqualTo(400));
    }

    [Test]
    public async Task Faults_CanBeSetReadAndCleared()
    {
        var set = await SendAsync(HttpMethod.Post, "__emulator/faults", null,
            """{"fail_first":1,"too_many_requests_rate":0.25,"status_code":429,"retry_after_ms":1000,"latency_ms":5,"method":"DELETE"}""");
        var read = await SendAsync(HttpMethod.Get, "__emulator/faults", null);
        var faulted = await SendAsync(HttpMethod.Delete, "v1/conversations/x", Emulator.DifyApiKey, """{"user":"u"}""");
        var cleared = await SendAsync(HttpMethod.Delete, "__emulator/faults", null);

        Assert.Multiple(() =>
        {
            Assert.That(set.Status, Is.EqualTo(200));
            Assert.That(read.Json.GetProperty("status_code").GetInt32(), Is.EqualTo(429));
            Assert.That(read.Json.GetProperty("method").GetString(), Is.EqualTo("DELETE"));
            Assert.That(read.Json.GetProperty("too_many_requests_rate").GetDouble(), Is.EqualTo(0.25));
            Assert.That(faulted.Status, Is.EqualTo(429));
            Assert.That(faulted.Header("Retry-After"), Is.EqualTo("1"));
            Assert.That(cleared.Json.GetProperty("fail_first").GetInt32(), Is.Zero);
            Assert.That(Emulator.Faults.IsActive, Is.False);
        });
    }

    [Test]
    public async Task Faults_OutOfRange_Returns400()
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/faults", null, """{"failure_rate":3}""");

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain("FailureRate"));
        Assert.That(Emulator.Faults.FailureRate, Is.Zero);
    }

    [Test]
    public async Task Counters_CountApiRequestsButNotAdminOnes()
    {
        var id = Emulator.SeedOpenAIConversation();
        await OpenAIClient().DeleteAsync(id);
        await OpenAIClient().DeleteAsync(id);
        await SendAsync(HttpMethod.Get, "v1/conversations", "app-wrong");

        var counters = await SendAsync(HttpMethod.Get, "__emulator/counters", null);

        Assert.Multiple(() =>
        {
            Assert.That(counters.Json.GetProperty("requests").GetInt64(), Is.EqualTo(3));
            Assert.That(counters.Json.GetProperty("openai_requests").GetInt64(), Is.EqualTo(2));
            Assert.That(counters.Json.GetProperty("dify_requests").GetInt64(), Is.EqualTo(1));
            Assert.That(counters.Json.GetProperty("unauthorized").GetInt64(), Is.EqualTo(1));
            Assert.That(counters.Json.GetProperty("conversations_created").GetInt64(), Is.EqualTo(1));
            Assert.That(counters.Json.GetProperty("conversations_deleted").GetInt64(), Is.EqualTo(1));
            Assert.That(counters.Json.GetProperty("deletes_not_found").GetInt64(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reset_ForgetsConversationsFaultsAndCounters()
    {
        Emulator.SeedDifyConversations(3, "alice");
        Emulator.SeedOpenAIConversations(2);
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 5 });
        await SendAsync(HttpMethod.Get, "v1/conversations?user=alice", Emulator.DifyApiKey);

        var reset = await SendAsync(HttpMethod.Post, "__emulator/reset", null);

        Assert.Multiple(() =>
        {
            Assert.That(reset.Status, Is.EqualTo(204));
            Assert.That(Emulator.CountDifyConversations("alice"), Is.Zero);
            Assert.That(Emulator.CountOpenAIConversations(), Is.Zero);
            Assert.That(Emulator.Faults.FailFirst, Is.Zero);
            Assert.That(Emulator.GetCounters().Requests, Is.Zero);
        });
    }

    [Test]
    public async Task Info_ShowsPathsAndKeys()
    {
        var info = await SendAsync(HttpMethod.Get, "__emulator/info", null);

        Assert.Multiple(() =>
        {
            Assert.That(info.Json.GetProperty("azure_base_path").GetString(), Is.EqualTo("/openai/v1"));
            Assert.That(info.Json.GetProperty("openai_api_key").GetString(), Is.EqualTo(ConversationEmulatorOptions.DefaultOpenAIApiKey));
            Assert.That(info.Json.GetProperty("dify_api_key").GetString(), Is.EqualTo(ConversationEmulatorOptions.DefaultDifyApiKey));
        });
    }

    [Test]
    public async Task UnknownAdminEndpoint_Returns404()
    {
        var response = await SendAsync(HttpMethod.Get, "__emulator/nothing", null);

        Assert.That(response.Status, Is.EqualTo(404));
    }
}
