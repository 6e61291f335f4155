using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// Edges of how answers are read that the broader suites do not pin: whose envelope counts for a Dify 404, the base
/// address each dialect's route-miss message suggests, the size named by response_too_large, and the request body
/// sent with its length.
/// </summary>
public sealed class ClassificationEdgeTests
{
    private const string DifyId = "5ad4cb98-f0c7-4085-b384-88c403be6290";

    [Test]
    public async Task Dify_404InOpenAIsEnvelopeWithCodeNotFound_IsNotTheConversationMissing()
    {
        // A proxy's OpenAI-style answer, even with code not_found and a conversation message, is not Dify's envelope.
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound,
            """{"error":{"code":"not_found","message":"Conversation not found.","type":"invalid_request_error"}}""");

        var result = await TestClients.Create(ConversationApiDialect.Dify, handler).DeleteAsync(DifyId, "user-42");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [TestCase(ConversationApiDialect.OpenAI, "https://api.openai.com/v1", "api.dify.ai")]
    [TestCase(ConversationApiDialect.Dify, "https://api.dify.ai/v1", "api.openai.com")]
    public async Task RouteMiss_Message_SuggestsTheDialectsOwnBaseAddress(ConversationApiDialect dialect, string own, string other)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, null, r => r.Content = new StringContent(""));
        var id = dialect == ConversationApiDialect.Dify ? DifyId : "conv_1";

        var result = await TestClients.Create(dialect, handler).DeleteAsync(id, TestClients.UserFor(dialect));

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
        Assert.That(result.Error?.Message, Does.Contain(own).And.Not.Contain(other));
    }

    [Test]
    public async Task ResponseTooLarge_Message_NamesTheCapInKiB()
    {
        var body = "{\"deleted\":true,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);

        var result = await TestClients.Create(ConversationApiDialect.OpenAI, handler).DeleteAsync("conv_1");

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ResponseTooLargeCode));
        Assert.That(result.Error?.Message, Does.Contain("longer than the 1024 KiB"));
    }

    [Test]
    public async Task DifyDelete_BodyIsSentWithItsLength_TheSameOnEveryAttempt()
    {
        // A Content-Length (not a chunked push stream), and the same bytes again on a retry.
        var handler = new ContentRecordingHandler();
        var client = ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.Dify), handler, TimeProvider.System, () => 0.5);

        var result = await client.DeleteAsync(DifyId, "user-42");

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(handler.Sent, Has.Count.EqualTo(2), "a 503, then the retry");
        Assert.That(handler.Sent.Select(s => s.Length), Is.All.EqualTo((long)"""{"user":"user-42"}""".Length));
        Assert.That(handler.Sent.Select(s => s.Body), Is.All.EqualTo("""{"user":"user-42"}"""));
    }

    /// <summary>Answers 503 then 204, recording each request body's declared length (before reading it) and text.</summary>
    private sealed class ContentRecordingHandler : HttpMessageHandler
    {
        public List<(long? Length, string Body)> Sent { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var length = request.Content!.Headers.ContentLength;
            Sent.Add((length, await request.Content.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(Sent.Count == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent);
        }
    }
}
