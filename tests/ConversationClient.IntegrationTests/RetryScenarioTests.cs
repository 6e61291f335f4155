using System.Diagnostics;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Stateful WireMock scenarios: transient answers followed by success, and failures that never end.</summary>
public sealed class RetryScenarioTests : IntegrationTest
{
    [Test]
    public async Task DeleteAsync_OpenAI503Then503Then200_RetriesTwiceWithOneClientRequestId()
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv_retry_503");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(result.RequestId, Is.EqualTo("req_503_then_ok"), "the request id is the last response's");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.ResponseStatus).ToArray(), Is.EqualTo(new int?[] { 503, 503, 200 }), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), journal.Report);
            Assert.That(journal.Requests[0].Header("x-ms-client-request-id"), Does.Match(GuidPattern));
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAI503WithOneRetry_FailsWith503AfterTwoAttempts()
    {
        var client = CreateOpenAIClient(options => options.Retry.MaxRetries = 1);

        var result = await client.DeleteAsync("conv_retry_503");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(503));
            Assert.That(result.Error?.Type, Is.EqualTo("server_error"));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(result.RequestId, Is.EqualTo("req_503_second"));
            Assert.That(journal.Requests.Select(r => r.ResponseStatus).ToArray(), Is.EqualTo(new int?[] { 503, 503 }), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Dify500Then204_RetriesOnceWithTheSameBody()
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000005", user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(204));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.ResponseStatus).ToArray(), Is.EqualTo(new int?[] { 500, 204 }), journal.Report);
            Assert.That(journal.Requests.Select(r => r.Body).ToArray(), Is.All.EqualTo("""{"user":"user-123"}"""), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Azure429WithRetryAfter_WaitsTheAskedSecondThenSucceeds()
    {
        var client = CreateAzureClient();
        var clock = Stopwatch.StartNew();

        var result = await client.DeleteAsync("conv_azure_429");

        clock.Stop();
        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(result.RetryAfter, Is.Null, "the wait was made");
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "Retry-After: 1 is honoured, not the 10 ms backoff");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.ResponseStatus).ToArray(), Is.EqualTo(new int?[] { 429, 200 }), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Azure429WithRetryAfterAboveMaxDelay_StopsAndReportsRetryAfter()
    {
        var client = CreateAzureClient(options => options.Retry.MaxDelay = TimeSpan.FromMilliseconds(200));

        var result = await client.DeleteAsync("conv_azure_429");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(429));
            Assert.That(result.Error?.Code, Is.EqualTo("429"));
            Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_Azure502HtmlForever_UsesEveryRetryAndKeepsTheHtmlBody()
    {
        var client = CreateAzureClient(options => options.Retry.MaxRetries = 2);

        var result = await client.DeleteAsync("conv_azure_502");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(502));
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
            Assert.That(result.Error?.RawBody, Does.Contain("<title>502 Bad Gateway</title>"));
            Assert.That(result.RequestId, Is.Null);
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.ResponseStatus).ToArray(), Is.EqualTo(new int?[] { 502, 502, 502 }), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), journal.Report);
        }
    }
}
