using System.Net;
using System.Text;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Error bodies of both envelopes and anything else, read through the client so buffering is part of it.</summary>
public sealed class ErrorBodyParserTests
{
    private static async Task<ConversationApiError> ErrorOf(HttpStatusCode status, string body, string mediaType = "application/json")
    {
        var handler = new ScriptedHandler().Then(status, null, r => r.Content = new StringContent(body, Encoding.UTF8, mediaType));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 0);
        var result = await client.DeleteAsync("conv_1");
        // IsSuccess false makes Error non-null to the compiler.
        return result.IsSuccess ? throw new AssertionException("Expected a failed result.") : result.Error;
    }

    [Test]
    public async Task Parse_AzureEnvelope_ReadsDetailsAdditionalInfoAndDebugInfo()
    {
        const string body = """
            {"error":{"code":"InvalidRequest","message":"Bad id.","param":"conversation_id","type":"invalid_request_error",
              "details":[{"code":"IdFormat","message":"Must start with conv_.","details":[{"code":"Deep","message":"deeper"}]}],
              "additionalInfo":{"region":"eastus"},"debugInfo":{"trace":"abc"}}}
            """;

        var error = await ErrorOf(HttpStatusCode.BadRequest, body);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Code, Is.EqualTo("InvalidRequest"));
            Assert.That(error.Message, Is.EqualTo("Bad id."));
            Assert.That(error.Param, Is.EqualTo("conversation_id"));
            Assert.That(error.Type, Is.EqualTo("invalid_request_error"));
            Assert.That(error.Details, Has.Count.EqualTo(1));
            Assert.That(error.Details[0].Code, Is.EqualTo("IdFormat"));
            Assert.That(error.Details[0].Details[0].Message, Is.EqualTo("deeper"));
            Assert.That(error.AdditionalInfo?.GetProperty("region").GetString(), Is.EqualTo("eastus"));
            Assert.That(error.DebugInfo?.GetProperty("trace").GetString(), Is.EqualTo("abc"));
            Assert.That(error.RawBody, Is.Null);
        }
    }

    [Test]
    public async Task Parse_DifyInvalidParam_ReadsParams()
    {
        var error = await ErrorOf(HttpStatusCode.BadRequest, """{"code":"invalid_param","message":"user is required","status":400,"params":"user"}""");

        Assert.That(error.Code, Is.EqualTo("invalid_param"));
        Assert.That(error.Message, Is.EqualTo("user is required"));
        Assert.That(error.Param, Is.EqualTo("user"));
    }

    [TestCase("{\"error\": ")]
    [TestCase("[1,2,3]")]
    [TestCase("null")]
    [TestCase("{\"unexpected\":true}")]
    [TestCase("\"just a string\"")]
    public async Task Parse_MalformedOrUnknownJson_KeepsRawBodyAndNeverThrows(string body)
    {
        var error = await ErrorOf(HttpStatusCode.BadRequest, body);

        Assert.That(error.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
        Assert.That(error.RawBody, Is.EqualTo(body));
    }

    [TestCase("""{"code":"x","message":"\ud800"}""")]
    [TestCase("""{"error":{"code":"\udc00","message":"m"}}""")]
    public async Task Parse_StringThatIsNotValidUtf16_KeepsRawBodyAndNeverThrows(string body)
    {
        var error = await ErrorOf(HttpStatusCode.BadRequest, body);

        Assert.That(error.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
        Assert.That(error.RawBody, Is.EqualTo(body));
    }

    [Test]
    public async Task Parse_HugeBody_ReadsAtMost64KiB()
    {
        var body = new string('x', 200_000);

        var error = await ErrorOf(HttpStatusCode.BadRequest, body, "text/plain");

        Assert.That(error.RawBody!.Length, Is.LessThanOrEqualTo(64 * 1024));
        Assert.That(error.RawBody, Does.StartWith("xxxx"));
    }

    [Test]
    public async Task Parse_DeeplyNestedJson_DoesNotThrow()
    {
        var body = "{\"error\":{\"code\":\"deep\",\"message\":\"m\",\"details\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "}}";

        var error = await ErrorOf(HttpStatusCode.BadRequest, body);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.EqualTo("deep").Or.EqualTo(ConversationApiError.HttpErrorCode));
    }
}
