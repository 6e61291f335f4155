using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class ResultTests
{
    [Test]
    public void EnsureSuccess_Deleted_ReturnsTheResult()
    {
        var result = new DeleteConversationResult { ConversationId = "c", Outcome = DeleteConversationOutcome.Deleted, StatusCode = 204, Attempts = 1 };

        Assert.That(result.EnsureSuccess(), Is.SameAs(result));
    }

    [TestCase(DeleteConversationOutcome.NotFound)]
    [TestCase(DeleteConversationOutcome.Failed)]
    public void EnsureSuccess_NotDeleted_ThrowsWithTheResult(DeleteConversationOutcome outcome)
    {
        var error = new ConversationApiError { Code = "x", Message = "went wrong" };
        var result = new DeleteConversationResult
        {
            ConversationId = "c", Outcome = outcome, StatusCode = 500, Error = error, Attempts = 2, RequestId = "req-1",
        };

        var ex = Assert.Throws<ConversationApiException>(() => result.EnsureSuccess());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Result, Is.SameAs(result));
            Assert.That(ex.StatusCode, Is.EqualTo(500));
            Assert.That(ex.Error, Is.SameAs(error));
            Assert.That(ex.RequestId, Is.EqualTo("req-1"));
            Assert.That(ex.Message, Does.Contain("went wrong"));
        }
    }

    [Test]
    public void ToString_SaysWhatHappened()
    {
        var result = new DeleteConversationResult
        {
            ConversationId = "conv_9", Outcome = DeleteConversationOutcome.Failed, StatusCode = 503, Attempts = 4,
            Error = new ConversationApiError { Code = "unknown", Message = "Internal Server Error" },
        };

        Assert.That(result.ToString(), Is.EqualTo("conv_9: Failed (503, 4 attempts, unknown: Internal Server Error)"));
    }

    [TestCase(null, "Conversation Not Exists.", "Conversation Not Exists.")]
    [TestCase("not_found", null, "not_found")]
    [TestCase(null, null, "")]
    [TestCase("not_found", "Conversation Not Exists.", "not_found: Conversation Not Exists.")]
    public void Error_ToString_PrintsNoStraySeparator(string? code, string? message, string expected) =>
        Assert.That(new ConversationApiError { Code = code, Message = message }.ToString(), Is.EqualTo(expected));

    [Test]
    public void ToString_ErrorWithoutCode_PrintsTheMessageAlone()
    {
        var result = new DeleteConversationResult
        {
            ConversationId = "conv_9", Outcome = DeleteConversationOutcome.NotFound, StatusCode = 404, Attempts = 1,
            Error = new ConversationApiError { Message = "Conversation 'conv_9' not found.", Type = "invalid_request_error" },
        };

        Assert.That(result.ToString(), Is.EqualTo("conv_9: NotFound (404, 1 attempt, Conversation 'conv_9' not found.)"));
        Assert.That(new ConversationApiException(result).Message,
            Is.EqualTo("Deleting conversation 'conv_9' ended NotFound with HTTP 404: Conversation 'conv_9' not found.."));
    }

    [Test]
    public void ToString_ErrorWithNeitherCodeNorMessage_PrintsNoEmptyPart()
    {
        var result = new DeleteConversationResult
        {
            ConversationId = "conv_9", Outcome = DeleteConversationOutcome.Failed, StatusCode = 400, Attempts = 1,
            Error = new ConversationApiError(),
        };

        Assert.That(result.ToString(), Is.EqualTo("conv_9: Failed (400, 1 attempt)"));
        Assert.That(new ConversationApiException(result).Message, Is.EqualTo("Deleting conversation 'conv_9' ended Failed with HTTP 400."));
    }

    [Test]
    public async Task Results_AndExceptions_NeverContainTheApiKeyOrUser()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.Unauthorized, Responses.DifyError("unauthorized", "Access token is invalid", 401));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("conv_1", "secret-user-id");
        var ex = Assert.Throws<ConversationApiException>(() => result.EnsureSuccess());

        var text = string.Join("\n", result.ToString(), result.Error?.ToString(), ex!.ToString(), ex.Message);
        Assert.That(text, Does.Not.Contain(TestClients.ApiKey).And.Not.Contain("secret-user-id"));
        Assert.That(text, Does.Contain("Access token is invalid"));
    }
}
