using ConversationClient.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>The SDK against ConversationClient.Testing's stubs: each service's behaviour, paging and scripted faults, over real sockets.</summary>
public sealed class ServiceStubTests
{
    private static IConversationClient CreateClient(ConversationServiceStub stub, Action<ConversationClientOptions>? configure = null)
    {
        var options = stub.CreateClientOptions();
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        return ConversationClientFactory.Create(options);
    }

    [TestCase(ConversationServiceKind.OpenAI, "not_found")]
    [TestCase(ConversationServiceKind.AzureAIFoundry, "not_found")]
    [TestCase(ConversationServiceKind.Dify, "not_found")]
    public async Task DeleteAsync_TwiceOnTheStub_DeletesOnceThenNotFoundInTheEnvelope(ConversationServiceKind kind, string code)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        var client = CreateClient(stub);

        var first = await client.DeleteAsync(id, user: "user-1");
        var second = await client.DeleteAsync(id, user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), first.ToString());
            Assert.That(second.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), second.ToString());
            Assert.That(second.Error?.Code, Is.EqualTo(code));
            Assert.That(second.Error?.RawBody, Is.Null, "the envelope was parsed");
            Assert.That(stub.ConversationExists(id, "user-1"), Is.False);
            Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, "user-1", 1), new ReceivedDelete(id, "user-1", 1) }));
        }
    }

    [TestCase(ConversationServiceKind.OpenAI)]
    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task DeleteAsync_OtherUsersConversation_IsNotFoundAndKept(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("owner");
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "someone-else");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), result.ToString());
        Assert.That(stub.ConversationExists(id, "owner"), Is.True);
    }

    [TestCase(ConversationServiceKind.OpenAI, "invalid_api_key")]
    [TestCase(ConversationServiceKind.AzureAIFoundry, "invalid_api_key")]
    [TestCase(ConversationServiceKind.Dify, "unauthorized")]
    public async Task DeleteAsync_WrongKey_Fails401InTheEnvelope(ConversationServiceKind kind, string code)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        var client = CreateClient(stub, options => options.ApiKey = kind == ConversationServiceKind.Dify ? "app-wrong-key" : "sk-wrong-key");

        var result = await client.DeleteAsync(id, user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Code, Is.EqualTo(code));
            Assert.That(stub.ConversationExists(id, "user-1"), Is.True);
        }
    }

    [TestCase("wrong-key", "Access token is invalid")]
    [TestCase("sk-wrong-key", "Access token is invalid")]
    [TestCase(null, "Authorization header must be provided and start with 'Bearer'")]
    public async Task DifyStub_AnyWrongOrMissingKey_Is401InDifysEnvelope(string? key, string message)
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        var client = CreateClient(stub, options => options.ApiKey = key ?? "unused");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stub.BaseAddress + "/conversations?user=user-1"));
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var result = key is null ? null : await client.DeleteAsync(id, user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(401));
            Assert.That(ReadDifyEnvelope(body), Is.EqualTo((401, "unauthorized", message)), "Dify's envelope, whatever the key looks like");
            Assert.That(result?.Error?.Code, key is null ? Is.Null : Is.EqualTo("unauthorized"));
        }
    }

    private static (int Status, string? Code, string? Message) ReadDifyEnvelope(string body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var root = document.RootElement;
        return root.TryGetProperty("status", out var status)
            ? (status.GetInt32(), root.GetProperty("code").GetString(), root.GetProperty("message").GetString())
            : (0, null, body);
    }

    [TestCase(ConversationServiceKind.Dify, "{\"status\":503,\"code\":\"service_unavailable\"")]
    [TestCase(ConversationServiceKind.OpenAI, "{\"error\":{")]
    public async Task FailNext_ARequestWithAnotherServicesKey_IsAnsweredInTheStubsEnvelope(ConversationServiceKind kind, string envelope)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        stub.FailNext(1);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stub.BaseAddress + "/conversations"));
        request.Headers.Authorization = new("Bearer", kind == ConversationServiceKind.Dify ? "sk-other" : "app-other");

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(503));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith(envelope));
    }

    [TestCase(ConversationServiceKind.OpenAI, "/openai/v1", "Invalid URL")]
    [TestCase(ConversationServiceKind.Dify, "/openai/v1", "<title>404 Not Found</title>")]
    [TestCase(ConversationServiceKind.AzureAIFoundry, "/v1", "Invalid URL")]
    public async Task DeleteUnderAnotherServicesPrefix_IsNotServed_ItAnswersThatServicesOwn404(ConversationServiceKind kind, string prefix, string answer)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(stub.Server.Url + prefix + "/conversations/" + id));
        request.Headers.Authorization = new("Bearer", stub.ApiKey);
        request.Headers.Add("x-ms-user-isolation-key", "user-1");
        request.Content = new StringContent("""{"user":"user-1"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(404), "each service has one prefix");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(answer));
        Assert.That(stub.ConversationExists(id, "user-1"), Is.True);
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task EraseUserAsync_ManyPages_ListsAndDeletesOnlyThatUsersConversations(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var mine = stub.AddConversations(25, "user-1");
        var theirs = stub.AddConversation("user-2");
        var client = CreateClient(stub);

        var listed = new List<string>();
        await foreach (var summary in client.ListAsync("user-1", new ConversationListOptions { PageSize = 10 }))
        {
            listed.Add(summary.Id);
        }

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 10 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed, Is.EquivalentTo(mine), "three pages of 10, 10 and 5");
            Assert.That(report.Deleted, Is.EqualTo(25), report.ToString());
            Assert.That(report.IsComplete, Is.True);
            Assert.That(mine.Any(id => stub.ConversationExists(id, "user-1")), Is.False);
            Assert.That(stub.ConversationExists(theirs, "user-2"), Is.True);
        }
    }

    [Test]
    public async Task DeleteAsync_TwoScripted503_RetriesAndTheStubCountsThreeAttempts()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);
        var id = stub.AddConversation();
        stub.FailNext(2);
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, null, 3) }));
    }

    [Test]
    public async Task DeleteAsync_Scripted429_HonoursRetryAfterThenSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        stub.ThrottleNext(TimeSpan.FromMilliseconds(300));
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(stub.Deletes.Single().Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task DeleteAsync_ScriptedReset_RetriesAndSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        stub.ResetNext();
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, "user-1", 2) }));
    }

    [Test]
    public async Task DeleteAsync_ScriptedDelayPastTheAttemptTimeout_RetriesAndSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry);
        var id = stub.AddConversation("user-1");
        stub.DelayNext(TimeSpan.FromSeconds(2));
        var client = CreateClient(stub, options => options.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
    }
}
