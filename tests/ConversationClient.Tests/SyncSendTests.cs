using System.Net;
using ConversationClient.Http;
using ConversationClient.Internal;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>The resilience handler's synchronous path (HttpMessageInvoker.Send): the same attempts and rules as the asynchronous one.</summary>
public sealed class SyncSendTests
{
    private const string ConversationUri = TestClients.OpenAIBase + "/conversations/conv_1";

    private static HttpMessageInvoker Invoker(ScriptedHandler inner, Action<ConversationClientOptions>? configure = null)
    {
        var settings = ClientSettings.Create(TestClients.Options(ConversationApiDialect.OpenAI, configure));
        return new HttpMessageInvoker(new ConversationResilienceHandler(settings, TimeProvider.System, () => 0.5) { InnerHandler = inner });
    }

    [Test]
    public void Send_TransientThenSuccess_RetriesAndReturnsTheSuccess()
    {
        var inner = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent);
        using var invoker = Invoker(inner);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        using var response = invoker.Send(request, CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(inner.Requests, Has.Count.EqualTo(2));
        Assert.That(inner.Requests.Select(r => r.Header("Authorization")), Is.All.EqualTo("Bearer " + TestClients.ApiKey));
        Assert.That(inner.Requests[1].Header(ConversationResilienceHandler.ClientRequestIdHeader),
            Is.EqualTo(inner.Requests[0].Header(ConversationResilienceHandler.ClientRequestIdHeader)));
    }

    [Test]
    public void Send_ErrorBody_IsBufferedForTheCaller()
    {
        var inner = new ScriptedHandler().Then(HttpStatusCode.BadRequest, Responses.OpenAIError("bad_id", "No."));
        using var invoker = Invoker(inner);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        using var response = invoker.Send(request, CancellationToken.None);

        Assert.That(ErrorBodyParser.Parse(response).Code, Is.EqualTo("bad_id"));
        Assert.That(inner.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void Send_TokenProvider_IsAskedForEveryAttempt()
    {
        var asked = 0;
        var inner = new ScriptedHandler().Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.NoContent);
        using var invoker = Invoker(inner, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => new ValueTask<string>($"token-{++asked}");
        });
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        using var response = invoker.Send(request, CancellationToken.None);

        Assert.That(inner.Requests.Select(r => r.Header("Authorization")), Is.EqualTo(new[] { "Bearer token-1", "Bearer token-2" }));
    }

    [Test]
    public void Send_ConnectionFailingEveryTime_ThrowsItAfterTheRetries()
    {
        var inner = new ScriptedHandler().ThenThrow(new HttpRequestException("refused"));
        using var invoker = Invoker(inner, o => o.Retry.MaxRetries = 2);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        Assert.Throws<HttpRequestException>(() => invoker.Send(request, CancellationToken.None));
        Assert.That(inner.Requests, Has.Count.EqualTo(3));
    }
}
