using System.Diagnostics;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// Transport faults on a real socket: a connection reset (WireMock.Net with an aborting middleware), and a close with
/// no answer, random bytes, a chunked body that breaks off and an empty response (a raw-socket host); then answers
/// slower than the attempt timeout. Each fault is served once, then the service answers normally.
/// </summary>
public sealed class NetworkFaultTests : IntegrationTest
{
    private const string ResetPath = "/v1/conversations/conv_fault_reset";

    [Test]
    public async Task DeleteAsync_OpenAIConnectionResetThen200_RetriesAndSucceeds()
    {
        Server.ResetConnectionOf(ResetPath);
        var client = CreateOpenAIClient();

        var result = await client.DeleteAsync("conv_fault_reset");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), $"{result}{journal.Report}");
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Attempts, Is.EqualTo(2), "the reset cost one attempt");
            Assert.That(result.RequestId, Is.EqualTo("req_after_fault"));
            Assert.That(journal.Requests.Select(r => r.Fault ?? r.ResponseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                Is.EqualTo(new[] { "reset", "200" }), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-client-request-id"), Has.Count.EqualTo(1), "one client request id across attempts" + journal.Report);
        }
    }

    [Test]
    public async Task DeleteAsync_ConnectionResetWithoutRetries_FailsWithConnectionFailed()
    {
        Server.ResetConnectionOf(ResetPath);
        var client = CreateOpenAIClient(options => options.Retry.MaxRetries = 0);

        var result = await client.DeleteAsync("conv_fault_reset");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.Null, "no response arrived");
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.Null);
            Assert.That(journal.Requests.Select(r => r.Fault).ToArray(), Is.EqualTo(new[] { "reset" }), journal.Report);
        }
    }

    [TestCase(RawFault.CloseWithoutAnswer)]
    [TestCase(RawFault.RandomBytesThenClose)]
    [TestCase(RawFault.BrokenChunkedBody)]
    [TestCase(RawFault.EmptyResponse)]
    public async Task DeleteAsync_OpenAIRawFaultThen200_RetriesAndSucceeds(RawFault fault)
    {
        // SocketsHttpHandler itself resends a request without a body when its connection closes before a single byte
        // of answer, up to 3 times (measured here: 2 such faults cost the SDK no attempt, 7 cost it one). Those faults
        // are served 4 times, so that the handler gives up and the SDK sees the fault: 5 connections for 2 attempts.
        const int HandlerResends = 3;
        var handlerResends = fault is RawFault.CloseWithoutAnswer or RawFault.EmptyResponse;
        await using var host = new RawFaultHost(
            RawFaultHost.Json(200, "OK", """{"id":"conv_fault","object":"conversation.deleted","deleted":true}""", "req_after_fault"),
            Enumerable.Repeat(fault, handlerResends ? HandlerResends + 1 : 1).ToArray());
        var client = CreateOpenAIClient(options => options.BaseAddress = new Uri(host.BaseAddress, "v1"));

        var result = await client.DeleteAsync("conv_fault");

        AssertRecoveredOnSecondAttempt(result, host, expectedStatus: 200, expectedConnections: handlerResends ? HandlerResends + 2 : 2);
        Assert.That(result.RequestId, Is.EqualTo("req_after_fault"));
        Assert.That(host.Requests.Select(r => (r.Method, r.Target, r.Header("Authorization"))),
            Is.All.EqualTo(("DELETE", "/v1/conversations/conv_fault", "Bearer " + OpenAIKey)));
    }

    [TestCase(RawFault.CloseWithoutAnswer)]
    [TestCase(RawFault.RandomBytesThenClose)]
    [TestCase(RawFault.BrokenChunkedBody)]
    [TestCase(RawFault.EmptyResponse)]
    public async Task DeleteAsync_DifyRawFaultThen204_RetriesAndSucceeds(RawFault fault)
    {
        await using var host = new RawFaultHost(RawFaultHost.NoContent, fault);
        var client = CreateDifyClient(options => options.BaseAddress = new Uri(host.BaseAddress, "v1"));

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000006", user: "user-123");

        AssertRecoveredOnSecondAttempt(result, host, expectedStatus: 204);
        Assert.That(host.Requests.Select(r => r.Body), Is.All.EqualTo("""{"user":"user-123"}"""));
    }

    [TestCase(RawFault.CloseWithoutAnswer)]
    [TestCase(RawFault.RandomBytesThenClose)]
    [TestCase(RawFault.BrokenChunkedBody)]
    [TestCase(RawFault.EmptyResponse)]
    public async Task DeleteAsync_RawFaultWithoutRetries_FailsWithoutAnAnswer(RawFault fault)
    {
        await using var host = new RawFaultHost(RawFaultHost.NoContent, fault);
        var client = CreateDifyClient(options =>
        {
            options.BaseAddress = new Uri(host.BaseAddress, "v1");
            options.Retry.MaxRetries = 0;
        });

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000006", user: "user-123");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), result.ToString());
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode), result.Error?.ToString());
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(host.Connections, Is.EqualTo(1), "one connection: neither the SDK nor SocketsHttpHandler tried again");
        }
    }

    [Test]
    public async Task DeleteAsync_OpenAIAnswerSlowerThanAttemptTimeout_RetriesAndSucceeds()
    {
        Server.SlowDown("/v1/conversations/conv_slow", TimeSpan.FromSeconds(3));
        var client = CreateOpenAIClient(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var result = await client.DeleteAsync("conv_slow");

        clock.Stop();
        var journal = Server.GetJournal();
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
        Server.SlowDown("/v1/conversations/d1f70000-0000-4000-8000-000000000008", TimeSpan.FromSeconds(3));
        var client = CreateDifyClient(options => options.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000008", user: "user-123");

        clock.Stop();
        var journal = Server.GetJournal();
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

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), journal.Report);
            Assert.That(result.StatusCode, Is.Null);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
        }
    }

    [TestCase("HTTP/1.1 200 OK\r\nEchoed Bearer {0}\r\nConnection: close\r\n\r\n")]
    [TestCase("HTTP/1.1 2000 {0}\r\nConnection: close\r\n\r\n")]
    public async Task DeleteAsync_AMalformedAnswerEchoingTheKey_FailsWithoutTheKeyInTheResult(string answer)
    {
        // SocketsHttpHandler quotes a malformed status or header line in its exception's message: a server (or proxy)
        // that echoes the credential it was sent into such a line must not get it into the result.
        await using var host = new RawFaultHost(string.Format(System.Globalization.CultureInfo.InvariantCulture, answer, OpenAIKey));
        var client = CreateOpenAIClient(options =>
        {
            options.BaseAddress = new Uri(host.BaseAddress, "v1");
            options.Retry.MaxRetries = 0;
        });

        var result = await client.DeleteAsync("conv_echo");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), result.ToString());
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode), result.Error?.ToString());
            Assert.That(result.Error!.Message, Does.Contain("[redacted]"), "the server's line is kept, the key cut out of it");
            Assert.That(result.Error.Message, Does.Not.Contain(OpenAIKey));
            Assert.That(result.ToString(), Does.Not.Contain(OpenAIKey));
        }
    }

    private static void AssertRecoveredOnSecondAttempt(DeleteConversationResult result, RawFaultHost host, int expectedStatus, int expectedConnections = 2)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
            Assert.That(result.StatusCode, Is.EqualTo(expectedStatus));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(2), $"the fault cost one attempt ({host.Connections} connections)");
            Assert.That(host.Connections, Is.EqualTo(expectedConnections), "one connection per attempt (and per resend of the handler), no other");
            Assert.That(host.Requests.Select(r => r.Header("x-ms-client-request-id")).Distinct().Count(), Is.EqualTo(1), "one client request id across attempts");
        }
    }
}
