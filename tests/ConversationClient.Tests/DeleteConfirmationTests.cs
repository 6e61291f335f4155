using System.Net;
using System.Text;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// What a 2xx delete body must say to confirm the deletion of the conversation that was sent: bodies that prove
/// nothing (another id, an error envelope, no <c>"deleted": true</c>, a member twice, bytes that are not UTF-8) are Failed.
/// </summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class DeleteConfirmationTests(ConversationApiDialect dialect)
{
    private string? User => TestClients.UserFor(dialect);

    private async Task<DeleteConversationResult> DeleteWith(Func<HttpResponseMessage> answer, string conversationId = "conv_1")
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(answer()));
        return await TestClients.Create(dialect, handler).DeleteAsync(conversationId, User);
    }

    private Task<DeleteConversationResult> DeleteWith(string body, string conversationId = "conv_1") =>
        DeleteWith(() => Responses.Make(HttpStatusCode.OK, body), conversationId);

    private static void AssertUnexpected(DeleteConversationResult result)
    {
        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(result.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task DeleteAsync_200NamingAnotherConversation_IsFailedAndSaysWhichIdCameBack()
    {
        var result = await DeleteWith("""{"id":"conv_other","object":"conversation.deleted","deleted":true}""");

        AssertUnexpected(result);
        Assert.That(result.Error?.Message, Does.Contain("'conv_other'").And.Contain("'conv_1'"));
        Assert.That(result.Error?.RawBody, Does.Contain("conv_other"));
    }

    [Test]
    public async Task DeleteAsync_200NamingTheConversationWithEscapes_IsDeletedOnOpenAI()
    {
        // The same id, written with a JSON escape: it names this conversation.
        var result = await DeleteWith("""{"id":"conv\u005f1","object":"conversation.deleted","deleted":true}""");

        Assert.That(result.Outcome, Is.EqualTo(dialect == ConversationApiDialect.OpenAI ? DeleteConversationOutcome.Deleted : DeleteConversationOutcome.Failed));
    }

    [TestCase("""{"error":{"message":"The upstream failed.","type":"server_error","code":"upstream_error"}}""", "upstream_error")]
    [TestCase("""{"code":"upstream_error","message":"The upstream failed.","status":500}""", "upstream_error")]
    [TestCase("""{"error":"The upstream failed.","code":"upstream_error"}""", "upstream_error")]
    [TestCase("""{"deleted":true,"error":{"message":"The upstream failed.","code":"upstream_error"}}""", "upstream_error")]
    public async Task DeleteAsync_200WithAnErrorEnvelope_IsFailedWithTheServicesError(string body, string code)
    {
        // Gateways answer errors with 200; either dialect's envelope is an error, never a confirmation.
        var result = await DeleteWith(body);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(code));
        Assert.That(result.Error?.Message, Is.EqualTo("The upstream failed."));
    }

    [TestCase("""{"id":"conv_1","object":"conversation.deleted"}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":null}""")]
    [TestCase("""{"object":"conversation"}""")]
    [TestCase("""{}""")]
    public async Task DeleteAsync_200ObjectWithoutDeletedTrue_IsFailedUnexpectedResponse(string body)
    {
        var result = await DeleteWith(body);

        AssertUnexpected(result);
        Assert.That(result.Error?.RawBody, Is.EqualTo(body));
    }

    [TestCase("""{"deleted":true}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""")]
    [TestCase("""{"result":"success","extra":1}""")]
    [TestCase("""{"id":null,"name":"still here"}""")]
    public async Task DeleteAsync_200ThatIsNoneOfDifysAnswers_IsDeletedOnlyWithOpenAIsConfirmation(string body)
    {
        var result = await DeleteWith(body);

        if (dialect == ConversationApiDialect.OpenAI && body.Contains("\"deleted\":true", StringComparison.Ordinal))
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        }
        else
        {
            AssertUnexpected(result);
        }
    }

    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":false,"deleted":true}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":true,"d\u0065leted":false}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":true,"id":"conv_1"}""")]
    [TestCase("""{"result":"error","result":"success"}""")]
    [TestCase("""{"id":null,"name":null,"name":null}""")]
    public async Task DeleteAsync_200WithAMemberTwice_IsFailedUnexpectedResponse(string body)
    {
        // An ambiguous answer: readers disagree on which member wins.
        var result = await DeleteWith(body);

        AssertUnexpected(result);
    }

    [TestCase("""{"deleted":false,"\u0064eleted":true}""")]
    [TestCase("""{"\u0064eleted":false,"deleted":true}""")]
    [TestCase("""{"\u0064eleted":false,"d\u0065leted":true}""")]
    [TestCase("""{"id":null,"n\u0061me":null,"name":null}""")]
    [TestCase("""{"\u0064eleted":false,"\u006eote":null,"deleted":true}""")]
    public async Task DeleteAsync_200WithAMemberTwiceOnceEscaped_IsFailedUnexpectedResponse(string body)
    {
        // Member names compare unescaped: an escaped spelling, first or second, is the same member.
        var result = await DeleteWith(body);

        AssertUnexpected(result);
        Assert.That(result.Error?.Message, Does.Contain("each member once"));
    }

    [Test]
    public async Task DeleteAsync_200WithEscapedNamesThatAreNoDuplicates_IsJudgedLikeThePlainSpelling()
    {
        // Escaped names of different members, one after another: the list of escaped names is searched and finds no match.
        var result = await DeleteWith(dialect == ConversationApiDialect.OpenAI
            ? """{"\u0069d":"conv_1","\u006fbject":"conversation.deleted","\u0064eleted":true}"""
            : """{"\u0069d":null,"n\u0061me":null,"\u0069nputs":null}""");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.Error?.Message);
    }

    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":"yes"}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":1}""")]
    [TestCase("""{"id":5,"object":"conversation.deleted","deleted":true}""")]
    [TestCase("""{"id":"conv_1","object":"conversation.deleted","deleted":true,"result":{"status":"success"}}""")]
    [TestCase("""{"result":true}""")]
    public async Task DeleteAsync_200WithAKnownMemberOfTheWrongType_IsFailedUnexpectedResponse(string body)
    {
        var result = await DeleteWith(body);

        AssertUnexpected(result);
        Assert.That(result.Error?.Message, Does.Contain("not one well-formed JSON object"));
    }

    [TestCase("""[{"deleted":true}]""")]
    [TestCase("""  "deleted" """)]
    public async Task DeleteAsync_200ThatIsNotAnObject_IsFailedUnexpectedResponse(string body)
    {
        var result = await DeleteWith(body);

        AssertUnexpected(result);
        Assert.That(result.Error?.Message, Does.Contain("not one well-formed JSON object"));
    }

    [Test]
    public async Task DeleteAsync_200WithInvalidUtf8WhereTheReaderDoesNotLook_IsFailedUnexpectedResponse()
    {
        // FF FE in a string value the reader skips (OpenAI) or in a member name (Dify's null-field form).
        var (prefix, suffix) = dialect == ConversationApiDialect.OpenAI
            ? ("""{"id":"conv_1","object":"conversation.deleted","note":"x""", "\",\"deleted\":true}")
            : ("""{"id":null,"n""", "\":null}");
        byte[] body = [.. Encoding.UTF8.GetBytes(prefix), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(suffix)];

        var result = await DeleteWith(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });

        AssertUnexpected(result);
        Assert.That(result.Error?.Message, Does.Contain("valid UTF-8"));
    }
}
