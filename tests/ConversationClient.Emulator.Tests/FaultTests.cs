using System.Diagnostics;
using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

public sealed class FaultTests : EmulatorTestBase
{
    [Test]
    public async Task FailFirst_503_IsRetriedBySdk_AndCounted()
    {
        var id = Emulator.SeedOpenAIConversation();
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 503 });

        var result = await OpenAIClient().DeleteAsync(id);

        var counters = Emulator.GetCounters();
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(counters.FaultsInjected, Is.EqualTo(1));
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(1));
            Assert.That(counters.Requests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task DisposeAsync_WhileARequestWaitsOutTheLatency_ReturnsAtOnce_AndTheRequestIsCutOff()
    {
        var emulator = await ConversationEmulator.StartAsync();
        var id = emulator.SeedOpenAIConversation();
        emulator.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMinutes(1) });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(emulator.OpenAIBaseAddress + "/conversations/" + id));
        request.Headers.Authorization = new("Bearer", emulator.OpenAIApiKey);
        var pending = http.SendAsync(request);
        await Task.Delay(300); // the request reaches the emulator and waits there

        var stopwatch = Stopwatch.StartNew();
        await emulator.DisposeAsync();
        stopwatch.Stop();

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not the server's 30-second wait for requests in flight");
        Assert.That(async () => await pending.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Fault429_SendsRetryAfter_InTheDialectsEnvelope()
    {
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 2, StatusCode = 429, RetryAfter = TimeSpan.FromMilliseconds(1500) });

        var dify = await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey);
        var openAI = await SendAsync(HttpMethod.Get, "v1/conversations/conv_1", Emulator.OpenAIApiKey);

        Assert.Multiple(() =>
        {
            Assert.That(dify.Status, Is.EqualTo(429));
            Assert.That(dify.Header("Retry-After"), Is.EqualTo("2"));
            Assert.That(dify.Header("retry-after-ms"), Is.EqualTo("1500"));
            Assert.That(dify.Json.GetProperty("code").GetString(), Is.EqualTo("too_many_requests"));
            Assert.That(dify.Json.GetProperty("status").GetInt32(), Is.EqualTo(429));
            Assert.That(openAI.Status, Is.EqualTo(429));
            Assert.That(openAI.Json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
        });
    }

    [Test]
    public async Task Fault429_SdkWaitsTheRetryAfter_ThenSucceeds()
    {
        var id = Emulator.SeedDifyConversation("alice");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 429, RetryAfter = TimeSpan.FromMilliseconds(300) });
        var stopwatch = Stopwatch.StartNew();

        var result = await DifyClient().DeleteAsync(id, "alice");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280)));
    }

    [Test]
    public async Task FailureRate1_WithoutRetries_FailsWith503()
    {
        var id = Emulator.SeedOpenAIConversation();
        Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 1 });

        var result = await OpenAIClient(options => options.Retry.MaxRetries = 0).DeleteAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(503));
            Assert.That(result.Error?.Code, Is.EqualTo("service_unavailable"));
            Assert.That(Emulator.OpenAIConversationExists(id), Is.True);
        });
    }

    [Test]
    public async Task FailureRate_FailsAboutThatFraction_RepeatablyWithASeed()
    {
        async Task<List<int>> RunAsync()
        {
            Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 0.3, Seed = 42 });
            var statuses = new List<int>();
            for (var i = 0; i < 200; i++)
            {
                statuses.Add((await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey)).Status);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        var failures = first.Count(status => status == 503);
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.InRange(35, 85));
            Assert.That(first.Where(status => status != 503), Has.All.EqualTo(200));
            Assert.That(second, Is.EqualTo(first));
            Assert.That(Emulator.GetCounters().FaultsInjected, Is.EqualTo(2 * failures));
        });
    }

    [Test]
    public async Task TooManyRequestsRate_MixesRateLimitingWithTheFailureRate()
    {
        Emulator.SetFaults(new ServiceFaultOptions
        {
            FailureRate = 0.1,
            TooManyRequestsRate = 0.1,
            RetryAfter = TimeSpan.FromMilliseconds(100),
            Seed = 7,
        });
        var responses = new List<RawResponse>();
        for (var i = 0; i < 300; i++)
        {
            responses.Add(await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey));
        }

        var unavailable = responses.Count(response => response.Status == 503);
        var limited = responses.Where(response => response.Status == 429).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unavailable, Is.InRange(12, 50));
            Assert.That(limited, Has.Count.InRange(12, 50));
            Assert.That(limited.Select(response => response.Header("retry-after-ms")), Has.All.EqualTo("100"));
            Assert.That(responses.Count(response => response.Status == 200), Is.EqualTo(300 - unavailable - limited.Count));
        });
    }

    [Test]
    public async Task Method_LimitsFaultsToThatMethod()
    {
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE" });

        var get = await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey);
        var delete = await SendAsync(HttpMethod.Delete, "v1/conversations/x", Emulator.DifyApiKey, """{"user":"u"}""");
        var deleteAgain = await SendAsync(HttpMethod.Delete, "v1/conversations/x", Emulator.DifyApiKey, """{"user":"u"}""");

        Assert.That(new[] { get.Status, delete.Status, deleteAgain.Status }, Is.EqualTo(new[] { 200, 503, 404 }));
    }

    [Test]
    public async Task Latency_DelaysEveryAnswer()
    {
        Emulator.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMilliseconds(300) });
        var stopwatch = Stopwatch.StartNew();

        var response = await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey);

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280)));
    }

    [Test]
    public async Task FaultsComeAfterTheKeyCheck()
    {
        Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 1 });

        var response = await SendAsync(HttpMethod.Get, "v1/conversations/conv_1", "sk-wrong-key-123");

        Assert.That(response.Status, Is.EqualTo(401));
        Assert.That(Emulator.GetCounters().FaultsInjected, Is.Zero);
    }

    [Test]
    public async Task ClearFaults_StopsInjecting()
    {
        Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 1 });
        Emulator.ClearFaults();

        var response = await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey);

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(Emulator.Faults.IsActive, Is.False);
    }

    [TestCase(-1, 0.0, 503)]
    [TestCase(0, 1.5, 503)]
    [TestCase(0, 0.0, 200)]
    public void SetFaults_OutOfRange_Throws(int failFirst, double rate, int status) =>
        Assert.That(() => Emulator.SetFaults(new ServiceFaultOptions { FailFirst = failFirst, FailureRate = rate, StatusCode = status }),
            Throws.ArgumentException);

    [Test]
    public void SetFaults_RatesAddingUpToMoreThanOne_Throws() =>
        Assert.That(() => Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 0.6, TooManyRequestsRate = 0.5 }),
            Throws.ArgumentException.With.Message.Contains("TooManyRequestsRate"));
}

public sealed class StartupFaultTests : EmulatorTestBase
{
    protected override ConversationEmulatorOptions CreateOptions() => new() { Faults = { FailFirst = 2, StatusCode = 503 } };

    [Test]
    public async Task FaultsInTheOptions_ApplyFromTheFirstRequest()
    {
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await SendAsync(HttpMethod.Get, "v1/conversations?user=u", Emulator.DifyApiKey)).Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { 503, 503, 200 }));
    }
}
