using ConversationClient.Internal;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ConversationClient.Pipeline;

/// <summary>
/// The resilience pipeline of a client, composed from its options with Polly's own strategies, outermost first: the
/// total timeout, the retry (the server's wait when it names one, else exponential backoff), the batch's pacing
/// (<see cref="BatchPacing"/>), and the attempt timeout. Every attempt, the first one too, runs inside it.
/// </summary>
internal static class ConversationPipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(ClientSettings settings, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = settings.TotalTimeout });
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = settings.MaxRetries,
                // The wait is worked out once, when Polly asks whether to retry, and kept for its question of how long:
                // worked out again, a clock read later could say "no retry" there, and Polly would wait its own default.
                ShouldHandle = args =>
                {
                    var call = CallState.Of(args.Context);
                    call.NextRetryDelay = NextDelay(args.Outcome, call, args.AttemptNumber, settings, timeProvider);
                    return new ValueTask<bool>(call.NextRetryDelay is not null);
                },
                DelayGenerator = static args => new ValueTask<TimeSpan?>(CallState.Of(args.Context).NextRetryDelay),
                OnRetry = static args =>
                {
                    var call = CallState.Of(args.Context);
                    call.Telemetry?.Retrying(call, args.Outcome.Result, args.Outcome.Exception, args.RetryDelay, args.Outcome.Result is not null && call.Verdict?.ServerDelay is not null);
                    return default;
                },
            });
        }

        builder.AddStrategy(static _ => new BatchPacing());
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = settings.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>
    /// The wait before retry <paramref name="retryNumber"/> (0 for the first) after <paramref name="outcome"/>, or null
    /// when it is not retried: not transient, or the wait is longer than allowed (the server's wait past MaxDelay, or
    /// any wait that would overrun the total timeout: the result then reports the server's wait in RetryAfter).
    /// </summary>
    private static TimeSpan? NextDelay(Outcome<HttpResponseMessage> outcome, CallState call, int retryNumber, ClientSettings settings, TimeProvider timeProvider)
    {
        TimeSpan? serverDelay = null;
        if (outcome.Exception is { } exception)
        {
            if (exception is not (HttpRequestException or IOException or TimeoutRejectedException))
            {
                return null;
            }
        }
        else if (call.Verdict is not { IsTransient: true } verdict)
        {
            return null;
        }
        else
        {
            serverDelay = verdict.ServerDelay;
        }

        var remaining = settings.TotalTimeout - timeProvider.GetElapsedTime(call.StartTimestamp);
        var delay = serverDelay ?? Backoff(settings, retryNumber, call.Jitter);
        return delay >= remaining || (serverDelay > settings.MaxDelay) ? null : delay;
    }

    /// <summary>
    /// Exponential backoff from <see cref="ClientSettings.BaseDelay"/>, varied by up to 20% either way by
    /// <paramref name="jitter"/> (0 to 1, drawn once per call), capped at <see cref="ClientSettings.MaxDelay"/>.
    /// </summary>
    internal static TimeSpan Backoff(ClientSettings settings, int retryNumber, double jitter)
    {
        var nominal = settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retryNumber, 30));
        var jittered = nominal * (0.8 + (0.4 * jitter));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, settings.MaxDelay.TotalMilliseconds));
    }
}
