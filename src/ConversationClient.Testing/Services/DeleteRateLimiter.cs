namespace ConversationClient.Testing.Services;

/// <summary>
/// The services' rate limit on DELETE requests: a token bucket that holds at most <see cref="RateLimitSettings.Burst"/>
/// tokens (full when configured) and gains <see cref="RateLimitSettings.DeletesPerSecond"/> tokens a second,
/// continuously, on the services' <see cref="TimeProvider"/>. A delete takes one token, or is refused with the exact
/// time until the next token. Thread-safe; settings are swapped whole.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c>, which was the first choice: it reads the time from
/// <c>Stopwatch</c>, not a <see cref="TimeProvider"/>, so it cannot run on a fake clock in tests; with automatic
/// replenishment it adds a whole <c>TokensPerPeriod</c> on each tick of a <c>Timer</c> (every 4 ms for 250 a second),
/// which fires late on a busy machine, so the allowed rate drifts below the one set; and the wait its refused lease
/// reports is a whole number of replenishment periods counted with its queue, not the time until the next token, which
/// a <c>retry-after-ms</c> answer has to send.
/// </remarks>
internal sealed class DeleteRateLimiter(TimeProvider timeProvider)
{
    private readonly object _lock = new();
    private RateLimitSettings? _settings;
    private double _tokens;
    private long _lastTimestamp;

    /// <summary>Gets the limit enforced now, or null for none.</summary>
    public RateLimitSettings? Settings
    {
        get
        {
            lock (_lock)
            {
                return _settings;
            }
        }
    }

    /// <summary>Replaces the limit (null removes it); the bucket starts full.</summary>
    public void Configure(RateLimitSettings? settings)
    {
        lock (_lock)
        {
            _settings = settings;
            _tokens = settings?.Burst ?? 0;
            _lastTimestamp = timeProvider.GetTimestamp();
        }
    }

    /// <summary>Takes a token for one delete: null when the delete may go ahead, otherwise why and how long to wait.</summary>
    public RateLimitRefusal? TryAcquire()
    {
        lock (_lock)
        {
            if (_settings is not { } settings)
            {
                return null;
            }

            var now = timeProvider.GetTimestamp();
            var elapsed = now - _lastTimestamp;
            _lastTimestamp = now;

            // Multiplied before dividing, so that whole intervals give whole tokens (4 ms at 250 a second is exactly 1).
            _tokens = Math.Min(settings.Burst, _tokens + (elapsed * settings.DeletesPerSecond / timeProvider.TimestampFrequency));
            if (_tokens >= 1)
            {
                _tokens--;
                return null;
            }

            // Rounded up to the tick, so that after the wait the token is there.
            var ticks = (long)Math.Ceiling((1 - _tokens) * TimeSpan.TicksPerSecond / settings.DeletesPerSecond);
            return new RateLimitRefusal(TimeSpan.FromTicks(Math.Max(ticks, 1)), settings.WaitHeader);
        }
    }
}

/// <summary>The header a rate-limited answer says its wait in.</summary>
internal enum WaitHeaderForm
{
    /// <summary><c>Retry-After</c> in whole seconds, rounded up, at least 1.</summary>
    Seconds,

    /// <summary>Azure's form: <c>retry-after-ms</c> (milliseconds, rounded up) and <c>Retry-After</c> in whole seconds.</summary>
    Milliseconds,

    /// <summary><c>Retry-After</c> as an HTTP date, the next whole second at or after the next token.</summary>
    Date,

    /// <summary>No wait header.</summary>
    None,
}

/// <summary>A rate limit on DELETE requests, already validated by the host.</summary>
/// <param name="DeletesPerSecond">The allowed rate, above 0.</param>
/// <param name="Burst">How many deletes may go at once after a quiet spell: the bucket's size, at least 1.</param>
/// <param name="WaitHeader">The header a refusal says its wait in.</param>
internal sealed record RateLimitSettings(double DeletesPerSecond, int Burst, WaitHeaderForm WaitHeader)
{
    /// <summary>The default burst: one second's worth of deletes, at least 1.</summary>
    public static int DefaultBurst(double deletesPerSecond) => (int)Math.Max(1, Math.Ceiling(deletesPerSecond));
}

/// <summary>A refused delete: the time until the next token and the header to say it in.</summary>
internal readonly record struct RateLimitRefusal(TimeSpan Wait, WaitHeaderForm WaitHeader);
