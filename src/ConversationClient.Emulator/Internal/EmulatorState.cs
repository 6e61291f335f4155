using ConversationClient.Testing.Services;

namespace ConversationClient.Emulator.Internal;

/// <summary>
/// Everything the emulator remembers: the shared service state and rules (the same ones as ConversationClient.Testing's
/// stubs), the options it started with, and its public views of faults and counters.
/// </summary>
internal sealed class EmulatorState
{
    public EmulatorState(ConversationEmulatorOptions options)
    {
        Options = options;
        Service = new ServiceState(new ServiceSettings(
            options.OpenAIApiKey, options.DifyApiKey, options.UserIsolationHeaderName, options.OpenAIPublicListing, options.TimeProvider));
        Rules = new ServiceRules(Service);
        Faults = new EmulatorFaults(Service.Faults);
        RateLimit = new EmulatorRateLimit(Service.RateLimit);
        Counters = new EmulatorCounterView(Service.Counters);
    }

    public ConversationEmulatorOptions Options { get; }

    public ServiceState Service { get; }

    public ServiceRules Rules { get; }

    public OpenAIStore OpenAI => Service.OpenAI;

    public DifyStore Dify => Service.Dify;

    public EmulatorFaults Faults { get; }

    public EmulatorRateLimit RateLimit { get; }

    public EmulatorCounterView Counters { get; }

    public IReadOnlyList<string> SeedOpenAI(int count, string? scope, IReadOnlyDictionary<string, string>? metadata = null) =>
        Service.SeedOpenAI(count, scope, metadata);

    public IReadOnlyList<string> SeedDify(int count, string user, string? name) => Service.SeedDify(count, user, name);

    public void Reset()
    {
        Service.Reset();
        Faults.Configure(new EmulatorFaultOptions());
        RateLimit.Configure(new EmulatorRateLimitOptions());
    }
}

/// <summary>The emulator's faults as <see cref="EmulatorFaultOptions"/>, over the shared <see cref="FaultInjector"/>.</summary>
internal sealed class EmulatorFaults(FaultInjector injector)
{
    private readonly Lock _lock = new();
    private EmulatorFaultOptions _options = new();

    /// <summary>Gets a copy of the faults injected now.</summary>
    public EmulatorFaultOptions Options
    {
        get
        {
            lock (_lock)
            {
                return _options.Clone();
            }
        }
    }

    /// <summary>Validates and applies new faults; the count of "first N" requests starts again.</summary>
    public void Configure(EmulatorFaultOptions options)
    {
        options.Validate();
        lock (_lock)
        {
            _options = options.Clone();
            injector.Configure(new FaultSettings(options.FailFirst, options.FailureRate, options.TooManyRequestsRate, options.StatusCode,
                options.RetryAfter, options.Latency, options.Method, options.Seed));
        }
    }
}

/// <summary>The emulator's rate limit as <see cref="EmulatorRateLimitOptions"/>, over the shared <see cref="DeleteRateLimiter"/>.</summary>
internal sealed class EmulatorRateLimit(DeleteRateLimiter limiter)
{
    private readonly Lock _lock = new();
    private EmulatorRateLimitOptions _options = new();

    /// <summary>Gets a copy of the limit enforced now.</summary>
    public EmulatorRateLimitOptions Options
    {
        get
        {
            lock (_lock)
            {
                return _options.Clone();
            }
        }
    }

    /// <summary>Validates and applies a new limit; the bucket starts full.</summary>
    public void Configure(EmulatorRateLimitOptions options)
    {
        options.Validate();
        lock (_lock)
        {
            _options = options.Clone();
            limiter.Configure(options.IsActive
                ? new RateLimitSettings(options.DeletesPerSecond, options.Burst ?? RateLimitSettings.DefaultBurst(options.DeletesPerSecond),
                    options.WaitHeader switch
                    {
                        RateLimitWaitHeader.Milliseconds => WaitHeaderForm.Milliseconds,
                        RateLimitWaitHeader.Date => WaitHeaderForm.Date,
                        RateLimitWaitHeader.None => WaitHeaderForm.None,
                        _ => WaitHeaderForm.Seconds,
                    })
                : null);
        }
    }
}

/// <summary>The shared <see cref="CounterSet"/> as <see cref="EmulatorCounters"/>.</summary>
internal sealed class EmulatorCounterView(CounterSet counters)
{
    public EmulatorCounters Snapshot()
    {
        var snapshot = counters.Snapshot();
        return new EmulatorCounters
        {
            Requests = snapshot.Requests,
            OpenAIRequests = snapshot.OpenAIRequests,
            DifyRequests = snapshot.DifyRequests,
            Unauthorized = snapshot.Unauthorized,
            FaultsInjected = snapshot.FaultsInjected,
            ConversationsCreated = snapshot.ConversationsCreated,
            ConversationsDeleted = snapshot.ConversationsDeleted,
            DeletesNotFound = snapshot.DeletesNotFound,
            DeleteRequests = snapshot.DeleteRequests,
            DeletesRateLimited = snapshot.DeletesRateLimited,
            ListPages = snapshot.ListPages,
        };
    }

    public void Reset() => counters.Reset();
}
