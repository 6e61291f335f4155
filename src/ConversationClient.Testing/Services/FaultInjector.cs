namespace ConversationClient.Testing.Services;

/// <summary>Decides, request by request, whether to answer with an injected fault. Thread-safe; settings are swapped whole.</summary>
internal sealed class FaultInjector
{
    private readonly object _lock = new();
    private ServiceFaultOptions _options = new();
    private Random _random = new();
    private long _matching;

    /// <summary>Gets a copy of the faults injected now.</summary>
    public ServiceFaultOptions Options
    {
        get
        {
            lock (_lock)
            {
                return _options.Clone();
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

    /// <summary>Validates and applies a copy of new settings, and restarts the count of "first N" requests.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Configure(ServiceFaultOptions options)
    {
        options.Validate();
        options = options.Clone();
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
