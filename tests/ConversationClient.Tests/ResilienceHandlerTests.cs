using System.Net;
using System.Net.Http.Headers;
using ConversationClient.Http;
using ConversationClient.Internal;
using ConversationClient.Pipeline;
using ConversationClient.Tests.TestSupport;
using Polly.Timeout;

namespace ConversationClient.Tests;

/// <summary>
/// The resilience handler on its own (timeouts as the exception it throws, the headers it sets, the request id it
/// makes) and the push-back it reports to a batch, on the test clock.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ResilienceHandlerTests
{
    private const string ConversationUri = TestClients.OpenAIBase + "/conversations/conv_1";

    // The test clock, not FakeTimeProvider: these calls wait on timers made while they run, and only the test clock
    // can run a call to its end by jumping from one due timer to the next (see TestClock).
    private readonly TestClock _clock = new();

    private HttpMessageInvoker Invoker(ScriptedHandler inner, Action<ConversationClientOptions>? configure = null)
    {
        var settings = ClientSettings.Create(TestClients.Options(ConversationApiDialect.OpenAI, configure));
        return new HttpMessageInvoker(new ResilienceHandler(settings, _clock, () => 0.5) { InnerHandler = new HeadersHandler(settings) { InnerHandler = inner } });
    }

    private (DefaultConversationClient Client, ScriptedHandler Handler) Client(Action<ScriptedHandler> script,
        Action<ConversationClientOptions>? configure = null)
    {
        var handler = new ScriptedHandler(_clock);
        script(handler);
        var client = (DefaultConversationClient)TestClients.Create(ConversationApiDialect.OpenAI, handler, o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(0.8);
            configure?.Invoke(o);
        }, _clock);
        return (client, handler);
    }

    private static TimeSpan[] Gaps(ScriptedHandler handler) =>
        handler.Requests.Zip(handler.Requests.Skip(1), (a, b) => b.At - a.At).ToArray();

    [Test]
    public void TotalTimeout_RunningOutDuringRetries_EndsAsATimeoutNotACancellation()
    {
        var inner = new ScriptedHandler(_clock).ThenHang();
        using var invoker = Invoker(inner, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        var thrown = Assert.CatchAsync(() => _clock.RunAsync(invoker.SendAsync(request, CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown, Is.TypeOf<TimeoutRejectedException>());
            Assert.That((thrown as TimeoutRejectedException)?.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)), "the second attempt's timeout, cut to what was left of the total");
            Assert.That(inner.Requests, Has.Count.EqualTo(2));
            Assert.That(_clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(15)));
        }
    }

    [Test]
    public async Task ServerWaitNearTheTotal_ReadOnAClockThatMovesBetweenReads_EndsWithTheRefusal_NeverWaitsPolysDefault()
    {
        // Each clock read is a millisecond later (work between reads: a GC pause, a busy thread pool). The retry decides
        // once whether and how long to wait: decided twice, the second read could say "no retry" after the first said
        // "retry", and Polly would then wait its own default delay, ending the call as a timeout without the 429.
        for (var waitMs = 900; waitMs <= 1000; waitMs++)
        {
            var clock = new TestClock();
            var drifting = new DriftingClock(clock);
            var inner = new ScriptedHandler(clock)
                .Then(HttpStatusCode.TooManyRequests, Responses.OpenAIError("rate_limit_exceeded", "slow down"),
                    r => r.Headers.TryAddWithoutValidation("retry-after-ms", waitMs.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Then(HttpStatusCode.OK, Responses.OpenAIDeleted);
            var settings = ClientSettings.Create(TestClients.Options(ConversationApiDialect.OpenAI, o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(1);
                o.TotalTimeout = TimeSpan.FromSeconds(1);
                o.Retry.MaxDelay = TimeSpan.FromSeconds(5);
            }));
            using var invoker = new HttpMessageInvoker(new ResilienceHandler(settings, drifting, () => 0.5) { InnerHandler = new HeadersHandler(settings) { InnerHandler = inner } });
            using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

            // Either the wait fits (the retry is answered in time) or it does not (the refusal is the answer); never a timeout.
            using var response = await clock.RunAsync(invoker.SendAsync(request, CancellationToken.None));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(response.StatusCode, Is.EqualTo(inner.Requests.Count == 1 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK), $"wait {waitMs} ms");
                Assert.That(clock.Elapsed, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), $"wait {waitMs} ms");
            }
        }
    }

    /// <summary>A clock whose timestamps move a millisecond further on each read; its timers are the test clock's.</summary>
    private sealed class DriftingClock(TestClock inner) : TimeProvider
    {
        private long _extra;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => inner.GetTimestamp() + Interlocked.Add(ref _extra, TimeSpan.TicksPerMillisecond);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }

    [Test]
    public void TotalTimeout_ShorterThanAttemptTimeout_CutsOffTheFirstAttempt()
    {
        var inner = new ScriptedHandler(_clock).ThenHang();
        using var invoker = Invoker(inner, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.TotalTimeout = TimeSpan.FromSeconds(5);
        });
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);

        var thrown = Assert.CatchAsync(() => _clock.RunAsync(invoker.SendAsync(request, CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown, Is.TypeOf<TimeoutRejectedException>());
            Assert.That((thrown as TimeoutRejectedException)?.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(inner.Requests, Has.Count.EqualTo(1), "no retry: the total time is used up");
            Assert.That(_clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }
    }

    [Test]
    public async Task TotalTimeout_ShorterThanAttemptTimeout_DeleteFailsAsTimeoutAfterOneAttempt()
    {
        var (client, handler) = Client(h => h.ThenHang(), o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.TotalTimeout = TimeSpan.FromSeconds(5);
        });

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
            Assert.That(_clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }
    }

    [Test]
    public void CallerCancellation_IsACancellationNotATimeout()
    {
        var inner = new ScriptedHandler(_clock).ThenHang();
        using var invoker = Invoker(inner);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);
        using var caller = new CancellationTokenSource();

        var send = invoker.SendAsync(request, caller.Token);
        caller.Cancel();

        var thrown = Assert.CatchAsync(() => send);
        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Authorization_AlreadyOnTheRequest_IsReplacedNotDuplicated()
    {
        var inner = new ScriptedHandler(_clock).Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent);
        using var invoker = Invoker(inner, o => o.Retry.BaseDelay = TimeSpan.Zero);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "stale-token");

        using var response = await _clock.RunAsync(invoker.SendAsync(request, CancellationToken.None));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(inner.Requests.Select(r => r.Header("Authorization")),
            Is.EqualTo(new[] { "Bearer " + TestClients.ApiKey, "Bearer " + TestClients.ApiKey }));
    }

    [Test]
    public async Task ApiKeyHeader_AlreadyOnTheRequest_IsReplacedNotDuplicated()
    {
        var inner = new ScriptedHandler(_clock).Then(HttpStatusCode.NoContent);
        using var invoker = Invoker(inner, o => o.ApiKeyHeaderName = "api-key");
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);
        request.Headers.TryAddWithoutValidation("api-key", "stale-key");

        using var response = await _clock.RunAsync(invoker.SendAsync(request, CancellationToken.None));

        Assert.That(inner.Single.Header("api-key"), Is.EqualTo(TestClients.ApiKey));
        Assert.That(inner.Single.Header("Authorization"), Is.Null);
    }

    [Test]
    public async Task ClientRequestId_AlreadyOnTheRequest_IsKeptForEveryAttempt()
    {
        var inner = new ScriptedHandler(_clock).Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent);
        using var invoker = Invoker(inner, o => o.Retry.BaseDelay = TimeSpan.Zero);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConversationUri);
        request.Headers.TryAddWithoutValidation(ResilienceHandler.ClientRequestIdHeader, "caller-chosen-id");

        using var response = await _clock.RunAsync(invoker.SendAsync(request, CancellationToken.None));

        Assert.That(inner.Requests.Select(r => r.Header(ResilienceHandler.ClientRequestIdHeader)),
            Is.EqualTo(new[] { "caller-chosen-id", "caller-chosen-id" }));
    }

    [Test]
    public void ClientRequestId_IsARandomVersion4Guid()
    {
        var ids = Enumerable.Range(0, 500).Select(_ => ResilienceHandler.NewClientRequestId()).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids.Select(id => Guid.TryParseExact(id, "D", out _)), Is.All.True);
            // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx: the version nibble is 4 and the variant bits are 10 (RFC 4122/9562).
            Assert.That(ids.Select(id => id[14]), Is.All.EqualTo('4'));
            Assert.That(ids.Select(id => id[19]), Is.All.AnyOf('8', '9', 'a', 'b'));
            Assert.That(ids.Select(id => id[19]).Distinct().Count(), Is.EqualTo(4), "the low two variant bits stay random");
            Assert.That(ids.Select(id => id[15]).Distinct().Count(), Is.GreaterThan(8), "the rest of the version byte stays random");
            Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Length));
        }
    }

    private BatchPacer Pacer(TimeSpan? giveUpAfter = null) => new(TimeSpan.FromSeconds(30), giveUpAfter ?? TimeSpan.FromSeconds(60), _clock);

    private static string RateLimit() => Responses.OpenAIError("rate_limit_exceeded", "Slow down.", "requests");

    [Test]
    public async Task Batch_429_IsTriedAgainWithoutUsingUpARetry()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.NoContent), o => o.Retry.MaxRetries = 1);

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(5));
        Assert.That(handler.Requests, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task Batch_TransientFailuresBetweenRefusals_StillUseUpTheRetries()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.NoContent), o => o.Retry.MaxRetries = 1);

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.StatusCode, Is.EqualTo(503));
        Assert.That(handler.Requests, Has.Count.EqualTo(3), "one retry for the first 503, none left for the second");
    }

    [Test]
    public async Task Single_429_StillUsesUpTheRetries()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.TooManyRequests, RateLimit())
            .Then(HttpStatusCode.NoContent), o => o.Retry.MaxRetries = 1);

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.StatusCode, Is.EqualTo(429));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Batch_429WithoutAnyWaitHeader_SlowsTheBatchAndIsTriedAgainAtItsPaceNotAfterABackoff()
    {
        var pacer = Pacer();
        var (client, handler) = Client(h => h.Then(HttpStatusCode.TooManyRequests, RateLimit()).Then(HttpStatusCode.NoContent));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, pacer, CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(pacer.Rate, Is.LessThan(double.PositiveInfinity), "the batch is paced from now on");
        Assert.That(Gaps(handler), Has.Length.EqualTo(1));
        Assert.That(Gaps(handler)[0], Is.LessThan(TimeSpan.FromSeconds(0.8)), "not the client's backoff");
    }

    [TestCase("retry-after-ms", "1500", 1.5)]
    [TestCase("Retry-After", "2", 2.0)]
    public async Task Batch_429WithAWait_IsTriedAgainWhenTheWaitIsOver(string header, string value, double seconds)
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, RateLimit(), r => r.Headers.TryAddWithoutValidation(header, value))
            .Then(HttpStatusCode.NoContent));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(seconds) }));
    }

    [Test]
    public async Task Batch_429RetryAfterAsADate_IsTriedAgainAtThatTime()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, RateLimit(), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(_clock.GetUtcNow().AddSeconds(3)))
            .Then(HttpStatusCode.NoContent));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(3) }));
    }

    [Test]
    public async Task Batch_InsufficientQuota_IsNotTriedAgain()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, Responses.OpenAIError("insufficient_quota", "You exceeded your current quota.", "insufficient_quota"))
            .Then(HttpStatusCode.NoContent));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo("insufficient_quota"));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Batch_RefusedUntilTheTotalTimeout_FailsRateLimitedWithTheLast429()
    {
        var (client, handler) = Client(h => h.Then(HttpStatusCode.TooManyRequests, RateLimit()),
            o => o.TotalTimeout = TimeSpan.FromSeconds(20));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.RateLimitedCode));
        Assert.That(result.StatusCode, Is.EqualTo(429));
        Assert.That(result.Attempts, Is.EqualTo(handler.Requests.Count).And.GreaterThan(4), "refusals use up no retries");
        Assert.That(_clock.Elapsed, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Batch_GivenUp_IsNotSentAndFailsRateLimited()
    {
        var pacer = Pacer(TimeSpan.FromSeconds(5));
        pacer.Refused(pacer.Now(), null);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var (client, handler) = Client(h => h.Then(HttpStatusCode.NoContent));

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, pacer, CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.RateLimitedCode));
        Assert.That(result.Attempts, Is.Zero);
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task Batch_503WithRetryAfter_PausesTheBatchButIsNoRefusal()
    {
        var pacer = Pacer();
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.ServiceUnavailable, null, r => r.Headers.Add("Retry-After", "3"))
            .Then(HttpStatusCode.NoContent), o => o.Retry.MaxRetries = 1);

        var result = await _clock.RunAsync(client.DeleteCoreAsync("conv_1", null, pacer, CancellationToken.None));
        var other = pacer.WaitToStartAsync(CancellationToken.None).AsTask();

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(3) }));
        Assert.That(pacer.Rate, Is.EqualTo(double.PositiveInfinity), "not slowed down");
        Assert.That(other.IsCompleted, Is.True, "the pause is over");
    }

    [Test]
    public async Task RetryAfter_EqualToMaxDelay_IsWaited()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "10"))
            .Then(HttpStatusCode.NoContent), o => o.Retry.MaxDelay = TimeSpan.FromSeconds(10));

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(10) }));
    }

    [Test]
    public async Task RetryAfter_EqualToTheTimeLeft_IsNotWaited()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "20"))
            .Then(HttpStatusCode.NoContent), o =>
            {
                o.TotalTimeout = TimeSpan.FromSeconds(20);
                o.Retry.MaxDelay = TimeSpan.FromSeconds(60);
            });

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RetryAfter_JustUnderTheTimeLeft_IsWaited()
    {
        var (client, handler) = Client(h => h
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "19"))
            .Then(HttpStatusCode.NoContent), o =>
            {
                o.TotalTimeout = TimeSpan.FromSeconds(20);
                o.Retry.MaxDelay = TimeSpan.FromSeconds(60);
            });

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(Gaps(handler), Is.EqualTo(new[] { TimeSpan.FromSeconds(19) }));
    }

    [TestCase(2.0, 1)]
    [TestCase(2.5, 2)]
    public async Task Backoff_EqualToTheTimeLeft_IsNotWaited(double totalSeconds, int attempts)
    {
        var (client, handler) = Client(h => h.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent), o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(2);
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(totalSeconds);
        });

        var result = await _clock.RunAsync(client.DeleteAsync("conv_1"));

        Assert.That(handler.Requests, Has.Count.EqualTo(attempts));
        Assert.That(result.Outcome, Is.EqualTo(attempts == 1 ? DeleteConversationOutcome.Failed : DeleteConversationOutcome.Deleted));
        Assert.That(result.StatusCode, Is.EqualTo(attempts == 1 ? 503 : 204), "ends with the last answer, not a timeout");
    }

    [Test]
    public async Task Batch_ItemDeleteRefusedUntilTheTotalTimeout_FailsRateLimitedWithTheLast429()
    {
        var (client, handler) = Client(h => h.Then(HttpStatusCode.TooManyRequests, RateLimit()),
            o => o.TotalTimeout = TimeSpan.FromSeconds(20));

        var result = await _clock.RunAsync(client.DeleteItemCoreAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None));

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.RateLimitedCode));
        Assert.That(result.StatusCode, Is.EqualTo(429));
        Assert.That(handler.Requests, Has.Count.GreaterThan(1));
    }
}
