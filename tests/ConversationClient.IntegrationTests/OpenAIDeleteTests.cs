using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Deletes on the OpenAI dialect (OpenAI on <c>/v1</c>, Azure AI Foundry on <c>/openai/v1</c>): what goes on the wire and how each answer maps to a result.</summary>
public sealed class OpenAIDeleteTests : IntegrationTest
{
    [Test]
    public async Task DeleteAsync_OpenAI200_ReturnsDeletedAndSendsBearerKeyWithoutBody()
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv_openai_ok");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.EqualTo("req_openai_ok"));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }

        var request = journal.Requests[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Method, Is.EqualTo("DELETE"));
            Assert.That(request.Url, Is.EqualTo("/v1/conversations/conv_openai_ok"));
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer " + OpenAIKey));
            Assert.That(request.Header("api-key"), Is.Null);
            Assert.That(request.Header("x-ms-client-request-id"), Does.Match(GuidPattern));
            Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null);
            Assert.That(request.Header("Content-Type"), Is.Null);
            Assert.That(request.Body, Is.Empty);
        }
    }

    [Test]
    public async Task DeleteAsync_IdWithSpaceAndSlash_IsSentAsOneEscapedPathSegment()
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv with/slash");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.ConversationId, Is.EqualTo("conv with/slash"));
            Assert.That(result.RequestId, Is.EqualTo("req_openai_escaped"));
            Assert.That(journal.Requests.Select(r => r.Url).ToArray(), Is.EqualTo(new[] { "/v1/conversations/conv%20with%2Fslash" }), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_AzureWithApiKeyHeader_SendsApiKeyAndNoAuthorization()
    {
        // Made without dependency injection, as a console program would.
        var options = new ConversationClientOptions
        {
            Dialect = ConversationApiDialect.OpenAI,
            BaseAddress = Server.Url("/openai/v1"),
            ApiKey = AzureKey,
            ApiKeyHeaderName = "api-key",
        };
        UseFastRetries(options);
        var client = ConversationClientFactory.Create(options);

        var result = await client.DeleteAsync("conv_azure_ok");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.EqualTo("a3c1e2f0-5b7d-4e8f-9a0b-1c2d3e4f5a6b"), "apim-request-id is the request id when x-request-id is absent");
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
            Assert.That(journal.Requests[0].Url, Is.EqualTo("/openai/v1/conversations/conv_azure_ok"));
            Assert.That(journal.Requests[0].Header("api-key"), Is.EqualTo(AzureKey));
            Assert.That(journal.Requests[0].Header("Authorization"), Is.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_AzureWithUser_SendsUserIsolationKeyHeader()
    {
        var client = CreateAzureClient();

        var result = await client.DeleteAsync("conv_azure_user", user: "user-42");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.Header("x-ms-user-isolation-key")).ToArray(), Is.EqualTo(new[] { "user-42" }), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_AzureCustomUserHeaderName_IsNotMatchedAndTheJournalNamesTheClosestStub()
    {
        // The stub requires x-ms-user-isolation-key; a client told to use x-ms-user-identity breaks that contract,
        // and WireMock.Net answers 404 "No matching mapping found", which the result carries as the raw body.
        var client = CreateAzureClient(options => options.UserIsolationHeaderName = "x-ms-user-identity");

        var result = await client.DeleteAsync("conv_azure_user", user: "user-42");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            // WireMock.Net's own 404 is not the service's "conversation not found": a route miss, not a missing conversation.
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(result.Error?.RawBody, Does.Contain("No matching mapping found"));
            Assert.That(journal.Unmatched, Has.Count.EqualTo(1), journal.Report);
            Assert.That(journal.Requests[0].Header("x-ms-user-identity"), Is.EqualTo("user-42"));
            Assert.That(journal.Requests[0].Header("x-ms-user-isolation-key"), Is.Null);
            Assert.That(journal.Unmatched[0].NotMatchedReport, Does.Contain("Request was not matched").And.Contain("closest stub 'azure:"));
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI404_ReturnsNotFoundWithTheOpenAIError()
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv_missing");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(404));
            Assert.That(result.Error?.Code, Is.EqualTo("not_found"));
            Assert.That(result.Error?.Type, Is.EqualTo("invalid_request_error"));
            Assert.That(result.Error?.Message, Is.EqualTo("Conversation with id 'conv_missing' not found."));
            Assert.That(result.Error?.RawBody, Is.Null);
            Assert.That(result.NotFoundAfterRetry, Is.False);
            Assert.That(result.RequestId, Is.EqualTo("req_openai_missing"));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI401_FailsAtOnceWithInvalidApiKey()
    {
        var client = CreateOpenAIClient(options => options.ApiKey = "sk-wrong");

        var result = await client.DeleteAsync("conv_openai_ok");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Code, Is.EqualTo("invalid_api_key"));
            Assert.That(result.Error?.Message, Does.StartWith("Incorrect API key provided"));
            Assert.That(result.Attempts, Is.EqualTo(1), "a 401 is not retried");
            Assert.That(result.RequestId, Is.EqualTo("req_openai_bad_key"));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
            Assert.That(journal.Requests[0].Header("Authorization"), Is.EqualTo("Bearer sk-wrong"));
        }
    }

    [Test]
    public async Task DeleteAsync_Azure400_ParsesDetailsAdditionalInfoAndDebugInfo()
    {
        var client = CreateAzureClient();

        var result = await client.DeleteAsync("conv_azure_invalid");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(400));
            Assert.That(result.Attempts, Is.EqualTo(1), "a 400 is not retried");
            Assert.That(result.Error?.Code, Is.EqualTo("invalid_request"));
            Assert.That(result.Error?.Param, Is.EqualTo("conversation_id"));
            Assert.That(result.Error?.Type, Is.EqualTo("invalid_request_error"));
            Assert.That(result.Error?.Details.Select(d => (d.Code, d.Param)), Is.EqualTo(new[] { ("invalid_format", "conversation_id") }));
            Assert.That(result.Error?.AdditionalInfo?.GetProperty("request_id").GetString(), Is.EqualTo("a3c1e2f0-5b7d-4e8f-9a0b-1c2d3e4f5a6b"));
            Assert.That(result.Error?.DebugInfo?.GetProperty("stage").GetString(), Is.EqualTo("routing"));
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI200WithDeletedFalse_FailsWithNotDeleted()
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv_not_deleted");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.NotDeletedCode));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI500WithMalformedJson_IsRetriedThenFailsWithTheRawBody()
    {
        var client = CreateOpenAIClient(options => options.Retry.MaxRetries = 1);

        var result = await client.DeleteAsync("conv_malformed");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(500));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
            Assert.That(result.Error?.RawBody, Is.EqualTo("{\"error\": {\"message\": \"The server had an error"));
            Assert.That(result.RequestId, Is.EqualTo("req_openai_malformed"));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), "one client request id across attempts");
        }
    }
}
