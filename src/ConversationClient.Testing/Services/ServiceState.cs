namespace ConversationClient.Testing.Services;

/// <summary>Everything the fake services remember: both stores, the fault settings, the rate limit and the counters.</summary>
internal sealed class ServiceState(ServiceSettings settings)
{
    public ServiceSettings Options { get; } = settings;

    public OpenAIStore OpenAI { get; } = new();

    public DifyStore Dify { get; } = new();

    public FaultInjector Faults { get; } = new();

    public DeleteRateLimiter RateLimit { get; } = new(settings.TimeProvider);

    public CounterSet Counters { get; } = new();

    public long Now => Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    public IReadOnlyList<string> SeedOpenAI(int count, string? scope, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            // Seeded conversations are spread over the past minutes, oldest first, so that orderings mean something.
            ids.Add(OpenAI.Create(scope, metadata, now - count + 1 + i).Id);
        }

        Counters.Created(count);
        return ids;
    }

    public IReadOnlyList<string> SeedDify(int count, string user, string? name)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            var title = name ?? "Seeded conversation";
            ids.Add(Dify.Create(user, count == 1 ? title : $"{title} {i + 1}", null, now - count + 1 + i).Id);
        }

        Counters.Created(count);
        return ids;
    }

    public void Reset()
    {
        OpenAI.Clear();
        Dify.Clear();
        Faults.Configure(new ServiceFaultOptions());
        RateLimit.Configure(new ServiceRateLimitOptions());
        Counters.Reset();
    }
}

/// <summary>
/// What tells the services apart and scopes their conversations: a request under <c>/v1</c> is in the dialect of the key
/// it presents; OpenAI-dialect conversations are visible under the value of <paramref name="UserIsolationHeaderName"/>.
/// </summary>
internal sealed record ServiceSettings(
    string OpenAIApiKey,
    string DifyApiKey,
    string UserIsolationHeaderName,
    bool OpenAIPublicListing,
    TimeProvider TimeProvider);
