namespace ConversationClient.Testing.Services;

/// <summary>
/// The services' rate limit on DELETE requests: a token bucket that holds at most <see cref="ServiceRateLimitOptions.Burst"/>
/// tokens (full when configured) and gains <see cref="ServiceRateLimitOptions.DeletesPerSecond"/> tokens a second,
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
    private ServiceRateLimitOptions _options = new();
    private double _tokens;
    private long _lastTimestamp;

    /// <summary>Gets a copy of the limit enforced now.</summary>
    public ServiceRateLimitOptions Options
    {
        get
        {
            lock (_lock)
            {
                return _options.Clone();
            }
        }
    }

    /// <summary>Validates and applies a copy of a new limit (a rate of 0 removes it); the bucket starts full.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Configure(ServiceRateLimitOptions options)
    {
        options.Validate();
        options = options.Clone();
        lock (_lock)
        {
            _options = options;
            _tokens = options.EffectiveBurst;
            _lastTimestamp = timeProvider.GetTimestamp();
        }
    }

    /// <summary>Takes a token for one delete: null when the delete may go ahead, otherwise why and how long to wait.</summary>
    public RateLimitRefusal? TryAcquire()
    {
        lock (_lock)
        {
            var settings = _options;
            if (!settings.IsActive)
            {
                return null;
            }

            var now = timeProvider.GetTimestamp();
            var elapsed = now - _lastTimestamp;
            _lastTimestamp = now;

            // Multiplied before dividing, so that whole intervals give whole tokens (4 ms at 250 a second is exactly 1).
            _tokens = Math.Min(settings.EffectiveBurst, _tokens + (elapsed * settings.DeletesPerSecond / timeProvider.TimestampFrequency));
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

/// <summary>A refused delete: the time until the next token and the header to say it in.</summary>
internal readonly record struct RateLimitRefusal(TimeSpan Wait, RateLimitWaitHeader WaitHeader);
