using System.Text.Json;

namespace ConversationClient.Emulator.Tests;

public sealed class OpenAIDialectTests : EmulatorTestBase
{
    [Test]
    public async Task Create_Get_Delete_FollowTheWireFormat()
    {
        var created = await SendAsync(HttpMethod.Post, "v1/conversations", Emulator.OpenAIApiKey, """{"metadata":{"topic":"demo"}}""");
        Assert.That(created.Status, Is.EqualTo(200));
        var id = created.Json.GetProperty("id").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(id, Does.StartWith("conv_"));
            Assert.That(created.Json.GetProperty("object").GetString(), Is.EqualTo("conversation"));
            Assert.That(created.Json.GetProperty("created_at").GetInt64(), Is.GreaterThan(1_700_000_000));
            Assert.That(created.Json.GetProperty("metadata").GetProperty("topic").GetString(), Is.EqualTo("demo"));
        });

        var fetched = await SendAsync(HttpMethod.Get, $"v1/conversations/{id}", Emulator.OpenAIApiKey);
        Assert.That(fetched.Status, Is.EqualTo(200));
        Assert.That(fetched.Json.GetProperty("id").GetString(), Is.EqualTo(id));

        var deleted = await SendAsync(HttpMethod.Delete, $"v1/conversations/{id}", Emulator.OpenAIApiKey);
        Assert.That(deleted.Status, Is.EqualTo(200));
        Assert.Multiple(() =>
        {
            Assert.That(deleted.Json.GetProperty("id").GetString(), Is.EqualTo(id));
            Assert.That(deleted.Json.GetProperty("object").GetString(), Is.EqualTo("conversation.deleted"));
            Assert.That(deleted.Json.GetProperty("deleted").GetBoolean(), Is.True);
        });

        var gone = await SendAsync(HttpMethod.Get, $"v1/conversations/{id}", Emulator.OpenAIApiKey);
        Assert.That(gone.Status, Is.EqualTo(404));
        var error = gone.Json.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("not_found"));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(id));
        });
    }

    [Test]
    public async Task SdkDelete_DeletesOnce_ThenReportsNotFound()
    {
        var client = OpenAIClient();
        var id = Emulator.SeedOpenAIConversation();

        var first = await client.DeleteAsync(id);
        var second = await client.DeleteAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(first.StatusCode, Is.EqualTo(200));
            Assert.That(first.Attempts, Is.EqualTo(1));
            Assert.That(first.RequestId, Does.StartWith("req_"));
            Assert.That(second.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(second.StatusCode, Is.EqualTo(404));
            Assert.That(second.Error?.Code, Is.EqualTo("not_found"));
            Assert.That(second.RequestId, Is.Not.EqualTo(first.RequestId));
            Assert.That(Emulator.OpenAIConversationExists(id), Is.False);
        });
    }

    [Test]
    public async Task AzurePath_AcceptsTheApiKeyHeader()
    {
        var id = Emulator.SeedOpenAIConversation();

        var result = await AzureClient().DeleteAsync(id);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Emulator.OpenAIConversationExists(id), Is.False);
    }

    [Test]
    public async Task IsolationKey_HidesAConversationFromOtherKeys()
    {
        var client = AzureClient();
        var created = await SendAsync(HttpMethod.Post, "openai/v1/conversations", Emulator.OpenAIApiKey, "{}",
            (Emulator.UserIsolationHeaderName, "alice"));
        var id = created.Json.GetProperty("id").GetString()!;

        var asBob = await client.DeleteAsync(id, "bob");
        var withoutKey = await client.DeleteAsync(id);
        var bobReads = await SendAsync(HttpMethod.Get, $"openai/v1/conversations/{id}", Emulator.OpenAIApiKey, null,
            (Emulator.UserIsolationHeaderName, "bob"));
        var asAlice = await client.DeleteAsync(id, "alice");

        Assert.Multiple(() =>
        {
            Assert.That(asBob.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(withoutKey.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(bobReads.Status, Is.EqualTo(404));
            Assert.That(asAlice.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        });
    }

    [Test]
    public async Task WrongKey_Returns401InTheOpenAIEnvelope()
    {
        var id = Emulator.SeedOpenAIConversation();
        var client = Client(ConversationApiDialect.OpenAI, Emulator.OpenAIBaseAddress, "sk-not-the-right-key");

        var result = await client.DeleteAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.Error?.Code, Is.EqualTo("invalid_api_key"));
            Assert.That(result.Error?.Type, Is.EqualTo("invalid_request_error"));
            Assert.That(result.Error?.Message, Does.Not.Contain("sk-not-the-right-key"));
            Assert.That(Emulator.OpenAIConversationExists(id), Is.True);
            Assert.That(Emulator.GetCounters().Unauthorized, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task MissingKey_Returns401()
    {
        var response = await SendAsync(HttpMethod.Get, "v1/conversations/conv_1", bearer: null);

        Assert.That(response.Status, Is.EqualTo(401));
        Assert.That(response.Json.GetProperty("error").GetProperty("message").GetString(), Does.Contain("didn't provide an API key"));
    }

    [Test]
    public async Task EveryResponse_CarriesADistinctRequestId()
    {
        var responses = new[]
        {
            await SendAsync(HttpMethod.Post, "v1/conversations", Emulator.OpenAIApiKey),
            await SendAsync(HttpMethod.Get, "v1/conversations/conv_missing", Emulator.OpenAIApiKey),
            await SendAsync(HttpMethod.Delete, "v1/conversations/conv_missing", "sk-wrong-key-123"),
            await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey),
            await SendAsync(HttpMethod.Get, "nothing/here", Emulator.OpenAIApiKey),
            await SendAsync(HttpMethod.Get, "__emulator/counters", bearer: null),
        };

        var ids = responses.Select(response => response.Header("x-request-id")).ToList();

        Assert.That(responses.Select(response => response.Status), Is.EqualTo(new[] { 200, 404, 401, 200, 404, 200 }));
        Assert.That(ids, Has.All.Match("^req_[0-9a-f]{32}$"));
        Assert.That(ids, Is.Unique);
    }

    [Test]
    public async Task Create_WithMoreThan16MetadataPairs_Returns400()
    {
        var metadata = string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\""));

        var response = await SendAsync(HttpMethod.Post, "v1/conversations", Emulator.OpenAIApiKey, "{\"metadata\":{" + metadata + "}}");

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Json.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo("metadata"));
        Assert.That(Emulator.CountOpenAIConversations(), Is.Zero);
    }

    [Test]
    public async Task Create_WithMalformedJson_Returns400()
    {
        var response = await SendAsync(HttpMethod.Post, "v1/conversations", Emulator.OpenAIApiKey, "{not json");

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Json.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
    }

    [Test]
    public async Task PublicPath_HasNoListOperation_ByDefault()
    {
        Emulator.SeedOpenAIConversation();

        var publicList = await SendAsync(HttpMethod.Get, "v1/conversations", Emulator.OpenAIApiKey);
        var azureList = await SendAsync(HttpMethod.Get, "openai/v1/conversations", Emulator.OpenAIApiKey);

        Assert.That(publicList.Status, Is.EqualTo(404));
        Assert.That(publicList.Json.GetProperty("error").GetProperty("message").GetString(), Does.StartWith("Invalid URL (GET"));
        Assert.That(azureList.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task PublicPath_Lists_WhenOpenAIPublicListingIsOn()
    {
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions { OpenAIPublicListing = true });
        emulator.SeedOpenAIConversations(3);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.OpenAIBaseAddress + "/conversations"));
        request.Headers.Authorization = new("Bearer", emulator.OpenAIApiKey);

        using var response = await http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(body.RootElement.GetProperty("data").GetArrayLength(), Is.EqualTo(3));
    }
}
