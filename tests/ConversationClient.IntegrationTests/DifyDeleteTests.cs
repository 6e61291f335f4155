using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Deletes on the Dify dialect: the JSON body with the user, and how each answer maps to a result.</summary>
public sealed class DifyDeleteTests : IntegrationTest
{
    private const string Deletable = "d1f70000-0000-4000-8000-000000000001";

    [Test]
    public async Task DeleteAsync_Dify204_ReturnsDeletedAndSendsTheUserAsJsonBody()
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync(Deletable, user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(204));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.Null, "Dify sends no request id");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }

        var request = journal.Requests[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Method, Is.EqualTo("DELETE"));
            Assert.That(request.Url, Is.EqualTo("/v1/conversations/" + Deletable));
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer " + DifyKey));
            Assert.That(request.Header("Content-Type"), Is.EqualTo("application/json"));
            Assert.That(request.Header("x-ms-client-request-id"), Does.Match(GuidPattern));
            Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null, "Dify takes the user in the body only");
            Assert.That(request.Body, Is.EqualTo("""{"user":"user-123"}"""));
        }
    }

    [Test]
    public async Task DeleteAsync_DifyLegacy200ResultSuccess_ReturnsDeleted()
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000002", user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Dify404_ReturnsNotFoundWithTheDifyError()
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000003", user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(404));
            Assert.That(result.Error?.Code, Is.EqualTo("not_found"));
            Assert.That(result.Error?.Message, Is.EqualTo("Conversation Not Exists."));
            Assert.That(result.Error?.RawBody, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Dify400NotChatApp_FailsAtOnce()
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000004", user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(400));
            Assert.That(result.Error?.Code, Is.EqualTo("not_chat_app"));
            Assert.That(result.Error?.Message, Does.StartWith("Please check if your app mode"));
            Assert.That(result.Attempts, Is.EqualTo(1), "a 400 is not retried");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Dify401_FailsAtOnceWithUnauthorized()
    {
        var client = CreateDifyClient(options => options.ApiKey = "app-wrong");

        var result = await client.DeleteAsync(Deletable, user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Code, Is.EqualTo("unauthorized"));
            Assert.That(result.Error?.Message, Is.EqualTo("Access token is invalid"));
            Assert.That(result.Attempts, Is.EqualTo(1), "a 401 is not retried");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.Header("Authorization")).ToArray(), Is.EqualTo(new[] { "Bearer app-wrong" }), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_DifyOtherUser_IsNotMatchedAndTheJournalShowsTheBody()
    {
        // The stub only deletes user-123's conversation; another user's body breaks the match.
        var client = CreateDifyClient();

        var result = await client.DeleteAsync(Deletable, user: "someone-else");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            // WireMock.Net's own 404 is not Dify's "Conversation Not Exists.": a route miss, not a missing conversation.
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(result.Error?.RawBody, Does.Contain("No matching mapping found"));
            Assert.That(journal.Unmatched, Has.Count.EqualTo(1), journal.Report);
            Assert.That(journal.Requests[0].Body, Is.EqualTo("""{"user":"someone-else"}"""));
            Assert.That(journal.Unmatched[0].NotMatchedReport, Does.Contain("Request was not matched").And.Contain("closest stub 'dify: delete answers 204'"));
        }
    }
}
