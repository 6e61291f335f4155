using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>What goes on the wire: addresses, escaping, auth, headers and bodies of each dialect.</summary>
public sealed class RequestTests
{
    private static async Task<RecordedRequest> SendAsync(ConversationApiDialect dialect, Action<ConversationClientOptions>? configure,
        string conversationId = "conv_1", string? user = null)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler, configure);
        var result = await client.DeleteAsync(conversationId, user);
        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        return handler.Single;
    }

    [TestCase("https://api.openai.com/v1", "https://api.openai.com/v1/conversations/conv_1")]
    [TestCase("https://api.openai.com/v1/", "https://api.openai.com/v1/conversations/conv_1")]
    [TestCase("https://res.openai.azure.com/openai/v1", "https://res.openai.azure.com/openai/v1/conversations/conv_1")]
    [TestCase("https://res.openai.azure.com/openai/v1/", "https://res.openai.azure.com/openai/v1/conversations/conv_1")]
    [TestCase("http://localhost:8080", "http://localhost:8080/conversations/conv_1")]
    public async Task DeleteAsync_BaseAddress_KeepsPathPrefixWithOrWithoutTrailingSlash(string baseAddress, string expected)
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, o => o.BaseAddress = new Uri(baseAddress));

        Assert.That(request.Method, Is.EqualTo(HttpMethod.Delete));
        Assert.That(request.Uri.AbsoluteUri, Is.EqualTo(expected));
    }

    [TestCase("https://api.dify.ai/v1")]
    [TestCase("https://api.dify.ai/v1/")]
    public async Task DeleteAsync_DifyBaseAddress_KeepsPathPrefix(string baseAddress)
    {
        var request = await SendAsync(ConversationApiDialect.Dify, o => o.BaseAddress = new Uri(baseAddress), user: "u");

        Assert.That(request.Uri.AbsoluteUri, Is.EqualTo("https://api.dify.ai/v1/conversations/conv_1"));
    }

    [TestCase("a/b", "a%2Fb")]
    [TestCase("../admin", "..%2Fadmin")]
    [TestCase("a?b#c", "a%3Fb%23c")]
    [TestCase("a b%", "a%20b%25")]
    [TestCase("é", "%C3%A9")]
    public async Task DeleteAsync_ConversationId_IsEscapedAsOnePathSegment(string id, string escaped)
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, null, id);

        Assert.That(request.Uri.AbsoluteUri, Is.EqualTo($"{TestClients.OpenAIBase}/conversations/{escaped}"));
    }

    [Test]
    public async Task DeleteAsync_OpenAI_SendsBearerKeyNoBodyAndNoUserHeaderWithoutUser()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Header("Authorization"), Is.EqualTo($"Bearer {TestClients.ApiKey}"));
            Assert.That(request.Body, Is.Null);
            Assert.That(request.Header(ConversationClientOptions.DefaultUserIsolationHeaderName), Is.Null);
            Assert.That(request.Header("OpenAI-Organization"), Is.Null);
            Assert.That(request.Header("OpenAI-Project"), Is.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAIWithUser_SendsUserIsolationHeader()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, null, user: "end-user-7");

        Assert.That(request.Header("x-ms-user-isolation-key"), Is.EqualTo("end-user-7"));
        Assert.That(request.Body, Is.Null);
    }

    [Test]
    public async Task DeleteAsync_CustomUserIsolationHeaderName_IsUsed()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, o => o.UserIsolationHeaderName = "x-ms-user-identity", user: "end-user-7");

        Assert.That(request.Header("x-ms-user-identity"), Is.EqualTo("end-user-7"));
        Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_AzureApiKeyHeader_SendsKeyInThatHeaderAndNoAuthorization()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, o => o.ApiKeyHeaderName = "api-key");

        Assert.That(request.Header("api-key"), Is.EqualTo(TestClients.ApiKey));
        Assert.That(request.Header("Authorization"), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_OrganizationAndProject_SendOpenAIHeaders()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, o =>
        {
            o.OrganizationId = "org-1";
            o.ProjectId = "proj-2";
        });

        Assert.That(request.Header("OpenAI-Organization"), Is.EqualTo("org-1"));
        Assert.That(request.Header("OpenAI-Project"), Is.EqualTo("proj-2"));
    }

    [Test]
    public async Task DeleteAsync_TokenProvider_SendsBearerToken()
    {
        var request = await SendAsync(ConversationApiDialect.OpenAI, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult("entra-token");
        });

        Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer entra-token"));
    }

    [Test]
    public async Task DeleteAsync_Dify_SendsUserInJsonBodyWithBearerKey()
    {
        var request = await SendAsync(ConversationApiDialect.Dify, null, user: "abc-123");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Uri.AbsoluteUri, Is.EqualTo($"{TestClients.DifyBase}/conversations/conv_1"));
            Assert.That(request.Header("Authorization"), Is.EqualTo($"Bearer {TestClients.ApiKey}"));
            Assert.That(request.ContentType, Is.EqualTo("application/json"));
            Assert.That(request.Body, Is.EqualTo("""{"user":"abc-123"}"""));
            Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_DifyUserNeedingEscapes_IsValidJson()
    {
        var request = await SendAsync(ConversationApiDialect.Dify, null, user: "a\"b\\ü");

        using var document = System.Text.Json.JsonDocument.Parse(request.Body!);
        Assert.That(document.RootElement.GetProperty("user").GetString(), Is.EqualTo("a\"b\\ü"));
    }

    [Test]
    public void Send_SynchronousPath_IsNotSupportedAndSendsNothing()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var settings = Internal.ClientSettings.Create(TestClients.Options(ConversationApiDialect.OpenAI));
        using var resilience = new Pipeline.ResilienceHandler(settings, TimeProvider.System) { InnerHandler = handler };
        using var invoker = new HttpMessageInvoker(resilience);
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(settings.BaseAddress, "conversations/conv_1"));

        var ex = Assert.Throws<NotSupportedException>(() => invoker.Send(request, CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("SendAsync"));
        Assert.That(handler.Requests, Is.Empty);
    }
}
