using System.Globalization;

namespace ConversationClient.Testing.Services;

/// <summary>Everything the fake services remember: both stores, the fault settings, the rate limit and the counters.</summary>
internal sealed class ServiceState(ServiceSettings settings)
{
    public ServiceSettings Options { get; } = settings;

    public OpenAIStore OpenAI { get; } = new();

    public DifyStore Dify { get; } = new();

    public FaultInjector Faults { get; } = new();

    public ServiceRateLimiter RateLimit { get; } = new(settings.TimeProvider);

    public CounterSet Counters { get; } = new();

    public long Now => Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Creates conversations, oldest first, each with <paramref name="items"/> message items (user and assistant in turn)
    /// and <paramref name="responses"/> stored responses linked to it.
    /// </summary>
    public IReadOnlyList<string> SeedOpenAI(int count, string? scope, IReadOnlyDictionary<string, string>? metadata = null, int items = 0, int responses = 0)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            // Seeded conversations are spread over the past minutes, oldest first, so that orderings mean something.
            var id = OpenAI.Create(scope, metadata, now - count + 1 + i).Id;
            SeedOpenAIItems(id, scope, items);
            OpenAI.AddResponses(id, scope, responses, now - count + 1 + i);
            ids.Add(id);
        }

        Counters.Created(count);
        return ids;
    }

    /// <summary>Creates a user's conversations, oldest first, each with <paramref name="messages"/> messages (a query and its answer each).</summary>
    public IReadOnlyList<string> SeedDify(int count, string user, string? name, int messages = 0)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            var title = name ?? "Seeded conversation";
            var conversation = Dify.Create(user, count == 1 ? title : $"{title} {i + 1}", null, now - count + 1 + i);
            SeedDifyMessages(conversation.Id, user, messages);
            ids.Add(conversation.Id);
        }

        Counters.Created(count);
        return ids;
    }

    /// <summary>Adds <paramref name="count"/> message items to a live conversation; null when it does not exist for <paramref name="scope"/>.</summary>
    public IReadOnlyList<string>? SeedOpenAIItems(string conversationId, string? scope, int count) =>
        OpenAI.AddItems(conversationId, scope, Enumerable.Range(1, count)
            .Select(n => (n % 2 == 1 ? "user" : "assistant", $"Seeded message {n.ToString(CultureInfo.InvariantCulture)}")));

    /// <summary>Adds <paramref name="count"/> stored responses to a live conversation; null when it does not exist for <paramref name="scope"/>.</summary>
    public IReadOnlyList<string>? SeedOpenAIResponses(string conversationId, string? scope, int count) =>
        OpenAI.AddResponses(conversationId, scope, count, Now);

    /// <summary>Adds <paramref name="count"/> messages to a user's conversation, a second apart from now on; null when it does not exist for <paramref name="user"/>.</summary>
    public IReadOnlyList<string>? SeedDifyMessages(string conversationId, string user, int count) =>
        Dify.AddMessages(conversationId, user, Enumerable.Range(1, count).Select(n =>
        {
            var text = n.ToString(CultureInfo.InvariantCulture);
            return ("Seeded question " + text, "Seeded answer " + text);
        }), Now);

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
/// <param name="OpenAIApiKey">The key the OpenAI dialect accepts.</param>
/// <param name="DifyApiKey">The key the Dify dialect accepts.</param>
/// <param name="UserIsolationHeaderName">The header that scopes OpenAI-dialect conversations.</param>
/// <param name="OpenAIPublicListing">Whether <c>GET /v1/conversations</c> lists (OpenAI's public API has no list).</param>
/// <param name="TimeProvider">The clock of timestamps and rate limits.</param>
/// <param name="Service">
/// The one service served (a stub of that service): every request is answered in its dialect, whatever key it presents,
/// and only under its prefix (<c>/openai/v1</c> for Azure AI Foundry, <c>/v1</c> for the others); null serves all three,
/// as the emulator does, telling them apart by prefix and key.
/// </param>
internal sealed record ServiceSettings(
    string OpenAIApiKey,
    string DifyApiKey,
    string UserIsolationHeaderName,
    bool OpenAIPublicListing,
    TimeProvider TimeProvider,
    ConversationServiceKind? Service = null);
