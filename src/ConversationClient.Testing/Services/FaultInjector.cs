namespace ConversationClient.Testing.Services;

/// <summary>Decides, request by request, whether to answer with an injected fault. Thread-safe; settings are swapped whole.</summary>
internal sealed class FaultInjector
{
    private readonly object _lock = new();
    private FaultSettings _options = FaultSettings.None;
    private Random _random = new();
    private long _matching;

    public FaultSettings Options
    {
        get
        {
            lock (_lock)
            {
                return _options;
            }
        }
    }

    public TimeSpan Latency
    {
        get
        {
            lock (_lock)
            {
                return _options.Latency;
            }
        }
    }

    /// <summary>Replaces the settings and restarts the count of "first N" requests.</summary>
    public void Configure(FaultSettings options)
    {
        lock (_lock)
        {
            _options = options;
            _random = options.Seed is { } seed ? new Random(seed) : new Random();
            _matching = 0;
        }
    }

    /// <summary>The status of the fault to answer a request with (and the wait to ask for), or null to answer it normally.</summary>
    public (int Status, TimeSpan? RetryAfter)? Decide(string method)
    {
        lock (_lock)
        {
            var options = _options;
            if (options.Method is { } only && !string.Equals(only, method, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (options.FailFirst == 0 && options.FailureRate == 0 && options.TooManyRequestsRate == 0)
            {
                return null;
            }

            _matching++;
            if (_matching <= options.FailFirst)
            {
                return (options.StatusCode, options.RetryAfter);
            }

            if (options.FailureRate == 0 && options.TooManyRequestsRate == 0)
            {
                return null;
            }

            // Random is used for a demo fault rate, not for anything secret.
#pragma warning disable CA5394
            var roll = _random.NextDouble();
#pragma warning restore CA5394
            if (roll < options.FailureRate)
            {
                return (options.StatusCode, options.RetryAfter);
            }

            return roll < options.FailureRate + options.TooManyRequestsRate ? (429, options.RetryAfter) : null;
        }
    }
}

/// <summary>
/// The faults to inject, already validated by the host: the first <paramref name="FailFirst"/> matching requests, then
/// a fraction of them, are answered <paramref name="StatusCode"/> (or 429), each after <paramref name="Latency"/>.
/// </summary>
internal sealed record FaultSettings(
    int FailFirst = 0,
    double FailureRate = 0,
    double TooManyRequestsRate = 0,
    int StatusCode = 503,
    TimeSpan? RetryAfter = null,
    TimeSpan Latency = default,
    string? Method = null,
    int? Seed = null)
{
    public static FaultSettings None { get; } = new();
}
