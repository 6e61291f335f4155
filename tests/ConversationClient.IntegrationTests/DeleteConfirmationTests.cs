using ConversationClient.IntegrationTests.Stubs;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// Over the wire, as a broken or hostile server answers: a 2xx that confirms nothing is Failed, and a credential the
/// server echoes does not reach the result or the exception.
/// </summary>
public sealed class DeleteConfirmationTests : IntegrationTest
{
    private static void AssertFailed(DeleteConversationResult result, string code, Journal journal)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error?.Code, Is.EqualTo(code));
            Assert.That(result.Attempts, Is.EqualTo(1), "not retried");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI200NamingAnotherConversation_IsFailedAndNamesTheIdThatCameBack()
    {
        var result = await CreateOpenAIClient().DeleteAsync("conv_answer_names_another");

        AssertFailed(result, ConversationApiError.UnexpectedResponseCode, Server.GetJournal());
        Assert.That(result.Error?.Message, Does.Contain("'conv_someone_else'"));
    }

    [Test]
    public async Task DeleteAsync_OpenAI200WithAGatewayErrorEnvelope_IsFailedWithItsError()
    {
        var result = await CreateOpenAIClient().DeleteAsync("conv_gateway_error_200");

        AssertFailed(result, "upstream_error", Server.GetJournal());
        Assert.That(result.Error?.Message, Is.EqualTo("Upstream request failed."));
    }

    [Test]
    public async Task DeleteAsync_Dify200WithDifysErrorEnvelope_IsFailedWithItsError()
    {
        var result = await CreateDifyClient().DeleteAsync(ConfirmationStubs.DifyGatewayError, "user-123");

        AssertFailed(result, "internal_server_error", Server.GetJournal());
    }

    [TestCase("conv_without_deleted")]
    [TestCase("conv_deleted_twice")]
    [TestCase("conv_bad_utf8")]
    public async Task DeleteAsync_OpenAI200ThatConfirmsNothing_IsFailedUnexpectedResponse(string conversationId)
    {
        var result = await CreateOpenAIClient().DeleteAsync(conversationId);

        AssertFailed(result, ConversationApiError.UnexpectedResponseCode, Server.GetJournal());
    }

    [Test]
    public async Task DeleteAsync_OpenAI401EchoingTheKey_KeepsTheKeyOutOfTheResultAndTheException()
    {
        var result = await CreateOpenAIClient().DeleteAsync("conv_echoes_key");

        var exception = Assert.Throws<ConversationApiException>(() => result.EnsureSuccess());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Message, Is.EqualTo("Incorrect API key provided: Bearer [redacted]"));
            Assert.That(result.ToString(), Does.Not.Contain(OpenAIKey));
            Assert.That(exception!.Message, Does.Not.Contain(OpenAIKey).And.Contain("[redacted]"));
        }
    }

    [Test]
    public async Task DeleteAsync_Dify401EchoingTheKey_KeepsTheKeyOutOfTheResult()
    {
        var result = await CreateDifyClient().DeleteAsync(ConfirmationStubs.DifyEchoesKey, "user-123");

        Assert.That(result.Error?.Message, Is.EqualTo("Access token [redacted] is invalid"));
        Assert.That(result.ToString(), Does.Not.Contain(DifyKey));
    }
}
