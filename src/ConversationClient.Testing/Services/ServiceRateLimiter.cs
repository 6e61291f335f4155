namespace ConversationClient.Testing.Services;

/// <summary>
/// The services' rate limits: one token bucket for DELETE requests and one for GET requests (reads), each holding at
/// most its burst (full when configured) and gaining its rate in tokens a second, continuously, on the services'
/// <see cref="TimeProvider"/>. A request takes one token of its bucket, or is refused with the exact time until the next
/// token. Thread-safe; settings are swapped whole.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c>, which was the first choice: it reads the time from
/// <c>Stopwatch</c>, not a <see cref="TimeProvider"/>, so it cannot run on a fake clock in tests; with automatic
/// replenishment it adds a whole <c>TokensPerPeriod</c> on each tick of a <c>Timer</c> (every 4 ms for 250 a second),
/// which fires late on a busy machine, so the allowed rate drifts below the one set; and the wait its refused lease
/// reports is a whole number of replenishment periods counted with its queue, not the time until the next token, which
/// a <c>retry-after-ms</c> answer has to send.
/// </remarks>
internal sealed class ServiceRateLimiter(TimeProvider timeProvider)
{
    private readonly object _lock = new();
    private ServiceRateLimitOptions _options = new();
    private Bucket _deletes;
    private Bucket _reads;

    /// <summary>Gets a copy of the limits enforced now.</summary>
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

    /// <summary>Validates and applies a copy of new limits (a rate of 0 removes that limit); both buckets start full.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Configure(ServiceRateLimitOptions options)
    {
        options.Validate();
        options = options.Clone();
        lock (_lock)
        {
            _options = options;
            var now = timeProvider.GetTimestamp();
            _deletes = new Bucket(options.EffectiveBurst, now);
            _reads = new Bucket(options.EffectiveReadBurst, now);
        }
    }

    /// <summary>Takes a token for one delete: null when the delete may go ahead, otherwise why and how long to wait.</summary>
    public RateLimitRefusal? TryAcquireDelete()
    {
        lock (_lock)
        {
            return Take(ref _deletes, _options.DeletesPerSecond, _options.EffectiveBurst);
        }
    }

    /// <summary>Takes a token for one read (a GET): null when it may go ahead, otherwise why and how long to wait.</summary>
    public RateLimitRefusal? TryAcquireRead()
    {
        lock (_lock)
        {
            return Take(ref _reads, _options.ReadsPerSecond, _options.EffectiveReadBurst);
        }
    }

    private RateLimitRefusal? Take(ref Bucket bucket, double perSecond, int burst)
    {
        if (perSecond <= 0)
        {
            return null;
        }

        var now = timeProvider.GetTimestamp();
        var elapsed = now - bucket.LastTimestamp;
        bucket.LastTimestamp = now;

        // Multiplied before dividing, so that whole intervals give whole tokens (4 ms at 250 a second is exactly 1).
        bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * perSecond / timeProvider.TimestampFrequency));
        if (bucket.Tokens >= 1)
        {
            bucket.Tokens--;
            return null;
        }

        // Rounded up to the tick, so that after the wait the token is there.
        var ticks = (long)Math.Ceiling((1 - bucket.Tokens) * TimeSpan.TicksPerSecond / perSecond);
        return new RateLimitRefusal(TimeSpan.FromTicks(Math.Max(ticks, 1)), _options.WaitHeader);
    }

    private struct Bucket(double tokens, long lastTimestamp)
    {
        public double Tokens = tokens;
        public long LastTimestamp = lastTimestamp;
    }
}

/// <summary>A refused request: the time until the next token and the header to say it in.</summary>
internal readonly record struct RateLimitRefusal(TimeSpan Wait, RateLimitWaitHeader WaitHeader);
