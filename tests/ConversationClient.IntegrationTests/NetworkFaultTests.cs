using System.Diagnostics;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// WireMock faults over a real socket: a reset connection, no response, a broken chunked body, garbage, and an
/// answer slower than the attempt timeout. Each is served once, then the stub answers normally.
/// </summary>
public sealed class NetworkFaultTests : IntegrationTest
{
    [TestCase("conv_fault_reset", TestName = "DeleteAsync_OpenAIConnectionResetByPeerThen200_RetriesAndSucceeds")]
    [TestCase("conv_fault_chunk", TestName = "DeleteAsync_OpenAIMalformedResponseChunkThen200_RetriesAndSucceeds")]
    public async Task DeleteAsync_OpenAIFaultThen200_RetriesAndSucceeds(string conversationId)
    {
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync(conversationId);

        var journal = await Server.Admin.GetJournalAsync();
        AssertRecoveredOnSecondAttempt(result, journal, expectedStatus: 200);
        Assert.That(result.RequestId, Is.EqualTo("req_after_fault"));
    }

    [TestCase("d1f70000-0000-4000-8000-000000000006", TestName = "DeleteAsync_DifyEmptyResponseThen204_RetriesAndSucceeds")]
    [TestCase("d1f70000-0000-4000-8000-000000000007", TestName = "DeleteAsync_DifyRandomDataThenCloseThen204_RetriesAndSucceeds")]
    public async Task DeleteAsync_DifyFaultThen204_RetriesAndSucceeds(string conversationId)
    {
        var client = CreateDifyClient();

        var result = await client.DeleteAsync(conversationId, user: "user-123");

        var journal = await Server.Admin.GetJournalAsync();
        AssertRecoveredOnSecondAttempt(result, journal, expectedStatus: 204);
        Assert.That(journal.Requests.Select(r => r.Body).ToArray(), Is.All.EqualTo("""{"user":"user-123"}"""), journal.Report);
    }

    [Test]
    public async Task DeleteAsync_ConnectionResetWithoutRetries_FailsWithConnectionFailed()
    {
        var client = CreateOpenAIClient(options => options.Retry.MaxRetries = 0);

        var result = await client.DeleteAsync("conv_fault_reset");

        var journal = await Server.Admin.GetJournalAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.Null, "no response arrived");
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.Null);
            Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAIAnswerSlowerThanAttemptTimeout_RetriesAndSucceeds()
    {
        var client = CreateOpenAIClient(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var result = await client.DeleteAsync("conv_slow");

        clock.Stop();
        var journal = await Server.Admin.GetJournalAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(result.RequestId, Is.EqualTo("req_fast"), "the answer is the second attempt's, not the delayed one's");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "the 3 s answer was not waited for");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_DifyAnswerSlowerThanAttemptTimeout_RetriesAndSucceeds()
    {
        var client = CreateDifyClient(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000008", user: "user-123");

        clock.Stop();
        var journal = await Server.Admin.GetJournalAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(result.StatusCode, Is.EqualTo(204));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "the 3 s answer was not waited for");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
            Assert.That(journal.Requests.Select(r => r.Body).ToArray(), Is.All.EqualTo("""{"user":"user-123"}"""), journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_AnswerSlowerThanEveryAttempt_FailsWithTimeout()
    {
        var client = CreateOpenAIClient(options =>
        {
            options.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            options.Retry.MaxRetries = 1;
        });

        var result = await client.DeleteAsync("conv_hangs");

        var journal = await Server.Admin.GetJournalAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.Null);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
        }
    }

    private static void AssertRecoveredOnSecondAttempt(DeleteConversationResult result, Journal journal, int expectedStatus)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), $"{result}{journal.Report}");
            Assert.That(result.StatusCode, Is.EqualTo(expectedStatus));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(2), "the fault cost one attempt");
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(2), "every attempt reached the server, and no other request did" + journal.Report);
            Assert.That(journal.Requests.Select(r => r.StubName).ToArray(), Has.Exactly(1).Contains("first"), journal.Report);
            Assert.That(journal.Requests[^1].ResponseStatus, Is.EqualTo(expectedStatus), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), "one client request id across attempts" + journal.Report);
        }
    }
}
