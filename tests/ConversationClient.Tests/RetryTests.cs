using System.Globalization;
using System.Net;
using ConversationClient.Http;
using ConversationClient.Internal;
using ConversationClient.Pipeline;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Retry rules, server delays, backoff and timeouts, on a test clock so waits of seconds take none.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RetryTests
{
    private readonly TestClock _clock = new();

    private async Task<(DeleteConversationResult Result, ScriptedHandler Handler)> RunAsync(
        Action<ScriptedHandler> script, Action<ConversationClientOptions>? configure = null,
        ConversationApiDialect dialect = ConversationApiDialect.OpenAI, Func<double>? random = null)
    {
        var handler = new ScriptedHandler(_clock);
        script(handler);
        var client = TestClients.Create(dialect, handler, o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(0.8);
            configure?.Invoke(o);
        }, _clock, random);
        var result = await _clock.RunAsync(client.DeleteAsync("conv_1", TestClients.UserFor(dialect)));
        return (result, handler);
    }

    private static TimeSpan[] Gaps(ScriptedHandler handler) =>
        handler.Requests.Zip(handler.Requests.Skip(1), (a, b) => b.At - a.At).ToArray();

    [Test]
    public async Task Retry_TransientStatuses_BackOffExponentiallyFromBaseDelay()
    {
        var (result, handler) = await RunAsync(h => h
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(4));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(3.2) }));
    }

    [Test]
    public async Task Retry_Dify500Then204_ReturnsDeletedOnSecondAttempt()
    {
        var (result, handler) = await RunAsync(
            h => h.Then(HttpStatusCode.InternalServerError, Responses.DifyError("unknown", "Internal Server Error", 500)).Then(HttpStatusCode.NoContent),
            dialect: ConversationApiDialect.Dify);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(handler.Requests.Select(r => r.Body), Is.All.EqualTo("""{"user":"user-42"}"""), "the body is sent again on retry");
    }

    [TestCase(0.0, 0.8)]
    [TestCase(0.5, 1.0)]
    [TestCase(0.999999, 1.2)]
    public void Backoff_Jitter_StaysWithinTwentyPercentOfNominal(double random, double factor)
    {
        var settings = Settings(o => o.Retry.BaseDelay = TimeSpan.FromSeconds(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConversationPipeline.Backoff(settings, 0, random).TotalSeconds, Is.EqualTo(1 * factor).Within(0.001));
            Assert.That(ConversationPipeline.Backoff(settings, 1, random).TotalSeconds, Is.EqualTo(2 * factor).Within(0.001));
            Assert.That(ConversationPipeline.Backoff(settings, 2, random).TotalSeconds, Is.EqualTo(4 * factor).Within(0.001));
        }
    }

    [TestCase(0, 10_000)]
    [TestCase(49_000, 10_000)]
    [TestCase(52_500, 7_500)]
    [TestCase(59_999, 1)]
    [TestCase(60_000, 1)]
    [TestCase(61_000, 1)]
    public void AttemptTimeout_CutToWhatIsLeftOfTheTotal_AtLeastAMillisecond(int elapsedMs, int expectedMs)
    {
        var settings = Settings(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(60);
        });

        Assert.That(ConversationPipeline.AttemptTimeout(settings, TimeSpan.FromMilliseconds(elapsedMs)), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [Test]
    public void Backoff_RandomJitter_AlwaysWithinBoundsAndCappedAtMaxDelay()
    {
        var settings = Settings(o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        });

        for (var i = 0; i < 1000; i++)
        {
            var retry = i % 4;
            var nominal = Math.Pow(2, retry);
            var delay = ConversationPipeline.Backoff(settings, retry, Random.Shared.NextDouble()).TotalSeconds;
            Assert.That(delay, Is.InRange(Math.Min(nominal * 0.8, 5), Math.Min(nominal * 1.2, 5)));
        }

        Assert.That(ConversationPipeline.Backoff(settings, 40, 0.5), Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Retry_RetryAfterSeconds_WaitsWhatTheServerAsks()
    {
        var (result, handler) = await RunAsync(h => h
            .Then(HttpStatusCode.TooManyRequests, Responses.OpenAIError("rate_limit_exceeded", "Slow down.", "requests"),
                r => r.Headers.Add("Retry-After", "7"))
            .Then(HttpStatusCode.OK, Responses.OpenAIDeleted));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.RetryAfter, Is.Null);
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
    }

    [Test]
    public async Task Retry_RetryAfterHttpDate_WaitsUntilThatTime()
    {
        var at = _clock.GetUtcNow().AddSeconds(12).ToString("R", CultureInfo.InvariantCulture);
        var (result, handler) = await RunAsync(h => h
            .Then(HttpStatusCode.ServiceUnavailable, null, r => r.Headers.Add("Retry-After", at))
            .Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(12) }));
    }

    [TestCase("retry-after-ms")]
    [TestCase("x-ms-retry-after-ms")]
    public async Task Retry_MillisecondDelayHeaders_TakePrecedenceOverRetryAfter(string header)
    {
        var (result, handler) = await RunAsync(h => h
            .Then(HttpStatusCode.TooManyRequests, null, r =>
            {
                r.Headers.Add(header, "1500");
                r.Headers.Add("Retry-After", "20");
            })
            .Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromMilliseconds(1500) }));
    }

    [Test]
    public async Task Retry_RetryAfterAboveMaxDelay_StopsAndReportsRetryAfter()
    {
        var (result, handler) = await RunAsync(h => h
            .Then(HttpStatusCode.TooManyRequests, Responses.DifyError("too_many_requests", "Too many requests.", 429),
                r => r.Headers.Add("Retry-After", "45"))
            .Then(HttpStatusCode.NoContent));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(429));
            Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(result.Error?.Code, Is.EqualTo("too_many_requests"));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
            Assert.That(_clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the wait is not made");
        }
    }

    [Test]
    public async Task Retry_RetryAfterBeyondTotalTimeout_StopsAndReportsRetryAfter()
    {
        var (result, handler) = await RunAsync(
            h => h.Then(HttpStatusCode.ServiceUnavailable, null, r => r.Headers.Add("Retry-After", "25")).Then(HttpStatusCode.NoContent),
            o => o.TotalTimeout = TimeSpan.FromSeconds(20));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(25)));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Retry_BackoffBeyondTotalTimeout_StopsWithLastAnswer()
    {
        var (result, handler) = await RunAsync(
            h => h.Then(HttpStatusCode.BadGateway),
            o =>
            {
                o.Retry.BaseDelay = TimeSpan.FromSeconds(20);
                o.TotalTimeout = TimeSpan.FromSeconds(30);
            });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(502));
            Assert.That(result.Attempts, Is.EqualTo(2), "20 s fits in 30 s, the next 30 s wait does not");
            Assert.That(handler.Requests, Has.Count.EqualTo(2));
        }
    }

    [TestCase("""{"error":{"code":"insufficient_quota","message":"You exceeded your current quota.","type":"insufficient_quota"}}""")]
    [TestCase("""{"error":{"code":null,"message":"You exceeded your current quota.","type":"insufficient_quota"}}""")]
    [TestCase("""{"error":{"code":"insufficient_quota","message":"You exceeded your current quota.","type":"requests"}}""")]
    public async Task Retry_429InsufficientQuota_IsNotRetried(string body)
    {
        var (result, handler) = await RunAsync(h => h.Then(HttpStatusCode.TooManyRequests, body).Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.StatusCode, Is.EqualTo(429));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Retry_MaxRetriesZero_MakesOneAttempt()
    {
        var (result, handler) = await RunAsync(h => h.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent),
            o => o.Retry.MaxRetries = 0);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Retry_AttemptTimeout_IsRetried()
    {
        var (result, handler) = await RunAsync(h => h.ThenHang().Then(HttpStatusCode.OK, Responses.OpenAIDeleted),
            o => o.AttemptTimeout = TimeSpan.FromSeconds(4));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(0.8) }));
        }
    }

    [Test]
    public async Task Retry_RetryAttemptTimesOut_IsRetriedAfterItsAttemptTimeout()
    {
        var (result, handler) = await RunAsync(h => h
                .Then(HttpStatusCode.ServiceUnavailable)
                .ThenHang()
                .Then(HttpStatusCode.OK, Responses.OpenAIDeleted),
            o => o.AttemptTimeout = TimeSpan.FromSeconds(4));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(1.6) }));
        }
    }

    [TestCase(2.0, TestName = "Retry_CallerCancelsDuringRetryAttempt_ThrowsOperationCanceled")]
    [TestCase(4.4, TestName = "Retry_CallerCancelsDuringDelayAfterTimedOutAttempt_ThrowsOperationCanceled")]
    public void Retry_CallerCancels_ThrowsOperationCanceledNotTimeout(double cancelAtSeconds)
    {
        // 503 at once, then attempts that hang: the first retry starts at 0.8 s and times out at 4.8 s.
        var handler = new ScriptedHandler(_clock).Then(HttpStatusCode.ServiceUnavailable).ThenHang();
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(0.8);
            o.AttemptTimeout = cancelAtSeconds < 4 ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(3.2);
        }, _clock);
        using var caller = new CancellationTokenSource(TimeSpan.FromSeconds(cancelAtSeconds), _clock);

        Assert.That(async () => await _clock.RunAsync(client.DeleteAsync("conv_1", cancellationToken: caller.Token)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Retry_AttemptTimeoutEveryTime_ReturnsFailedTimeout()
    {
        var (result, handler) = await RunAsync(h => h.ThenHang(), o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.Null);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
            Assert.That(result.Attempts, Is.EqualTo(4));
            Assert.That(handler.Requests, Has.Count.EqualTo(4));
        }
    }

    [Test]
    public async Task Retry_TotalTimeout_EndsTheCallWithTimeout()
    {
        var (result, handler) = await RunAsync(h => h.ThenHang(), o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(15);
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
            Assert.That(result.StatusCode, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(handler.Requests, Has.Count.EqualTo(2));
            Assert.That(_clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(15)));
        }
    }

    [Test]
    public async Task Retry_OneClientRequestIdAcrossAttempts_NewOnePerCall()
    {
        var handler = new ScriptedHandler(_clock)
            .Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent)
            .Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, clock: _clock);

        await _clock.RunAsync(client.DeleteAsync("conv_1"));
        await _clock.RunAsync(client.DeleteAsync("conv_2"));

        var ids = handler.Requests.Select(r => r.Header(ResilienceHandler.ClientRequestIdHeader)).ToArray();
        Assert.That(ids, Has.Length.EqualTo(4));
        Assert.That(ids, Is.All.Not.Null);
        Assert.That(ids[0], Is.EqualTo(ids[1]).And.EqualTo(ids[2]));
        Assert.That(ids[3], Is.Not.EqualTo(ids[0]));
        Assert.That(Guid.TryParse(ids[0], out _), Is.True);
    }

    [Test]
    public async Task Retry_TokenProvider_IsAskedOncePerAttempt()
    {
        var calls = 0;
        var (result, handler) = await RunAsync(h => h.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent), o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult($"token-{++calls}");
        });

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(handler.Requests.Select(r => r.Header("Authorization")), Is.EqualTo(new[] { "Bearer token-1", "Bearer token-2" }));
    }

    [Test]
    public async Task Retry_ConnectionResetThenSuccess_ReturnsDeleted()
    {
        var (result, _) = await RunAsync(h => h.ThenThrow(new HttpRequestException("reset", new IOException("Connection reset by peer")))
            .Then(HttpStatusCode.NoContent), dialect: ConversationApiDialect.Dify);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task Retry_UnexpectedException_IsNotSwallowed()
    {
        var handler = new ScriptedHandler(_clock).ThenThrow(new InvalidOperationException("bug"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, clock: _clock);

        Assert.That(async () => await _clock.RunAsync(client.DeleteAsync("conv_1")), Throws.InvalidOperationException);
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    private static ClientSettings Settings(Action<ConversationClientOptions> configure) =>
        ClientSettings.Create(TestClients.Options(ConversationApiDialect.OpenAI, configure));
}
