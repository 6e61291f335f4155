using ConversationClient.Emulator.Internal;
using ConversationClient.Testing;
using ConversationClient.Testing.Services;

namespace ConversationClient.Emulator;

/// <summary>
/// A local, in-memory stand-in for the OpenAI / Azure AI Foundry Conversations API and the Dify service API, with
/// their wire formats, API keys, per-user scoping, paging and injectable faults. Start one per test fixture or
/// sample with <see cref="StartAsync"/>; it listens on loopback until disposed.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await ConversationEmulator.StartAsync();
/// var id = emulator.SeedOpenAIConversation();
/// // point a client at emulator.OpenAIBaseAddress with emulator.OpenAIApiKey
/// </code>
/// </example>
public sealed class ConversationEmulator : IAsyncDisposable
{
    private readonly LoopbackHost _host;
    private readonly ConversationEmulatorOptions _options;
    private readonly ServiceState _state;

    private ConversationEmulator(LoopbackHost host, ConversationEmulatorOptions options, ServiceState state)
    {
        _host = host;
        var baseAddress = host.BaseAddress;
        _options = options;
        _state = state;
        BaseAddress = baseAddress;
        OpenAIBaseAddress = new Uri(baseAddress, "v1");
        AzureBaseAddress = ConversationServicePreset.AzureAIFoundry.ToBaseAddress(baseAddress);
        DifyBaseAddress = new Uri(baseAddress, "v1");
    }

    /// <summary>Gets the root address the emulator listens on, ending with a slash, for example <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the base address of the OpenAI dialect (<c>…/v1</c>); use it with <see cref="OpenAIApiKey"/>.</summary>
    public Uri OpenAIBaseAddress { get; }

    /// <summary>Gets the base address of the Azure AI Foundry flavour of the OpenAI dialect (<c>…/openai/v1</c>), which also lists.</summary>
    public Uri AzureBaseAddress { get; }

    /// <summary>Gets the base address of the Dify dialect (<c>…/v1</c>, told apart from OpenAI by <see cref="DifyApiKey"/>).</summary>
    public Uri DifyBaseAddress { get; }

    /// <summary>Gets the key the OpenAI dialect accepts (bearer, or <c>api-key</c> under <c>/openai/v1</c>).</summary>
    public string OpenAIApiKey => _options.OpenAIApiKey;

    /// <summary>Gets the key the Dify dialect accepts (bearer).</summary>
    public string DifyApiKey => _options.DifyApiKey;

    /// <summary>Gets the header that scopes OpenAI-dialect conversations to one end user.</summary>
    public string UserIsolationHeaderName => _options.UserIsolationHeaderName;

    /// <summary>Gets a copy of the faults injected now.</summary>
    public ServiceFaultOptions Faults => _state.Faults.Options;

    /// <summary>Gets a copy of the rate limits on DELETE and GET requests enforced now.</summary>
    public ServiceRateLimitOptions RateLimit => _state.RateLimit.Options;

    /// <summary>Starts an emulator and waits until it listens.</summary>
    /// <param name="options">The settings; null uses the defaults (loopback, a free port, the default keys, no faults).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static async Task<ConversationEmulator> StartAsync(ConversationEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ConversationEmulatorOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ListenUrl, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OpenAIApiKey, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DifyApiKey, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.UserIsolationHeaderName, nameof(options));
        if (string.Equals(options.OpenAIApiKey, options.DifyApiKey, StringComparison.Ordinal))
        {
            throw new ArgumentException("The OpenAI and Dify keys must differ: the key tells the two dialects apart under /v1.", nameof(options));
        }

        var state = new ServiceState(new ServiceSettings(
            options.OpenAIApiKey, options.DifyApiKey, options.UserIsolationHeaderName, options.OpenAIPublicListing, options.TimeProvider));
        state.Faults.Configure(options.Faults);
        state.RateLimit.Configure(options.RateLimit);

        var host = await LoopbackHost.StartAsync(
            new ApiHandler(new ServiceRules(state), options).HandleAsync, options.ListenUrl, options.ConsoleLogging, cancellationToken).ConfigureAwait(false);
        return new ConversationEmulator(host, options, state);
    }

    /// <summary>Creates a conversation in the OpenAI dialect, as <c>POST /conversations</c> would.</summary>
    /// <param name="userIsolationKey">The isolation key it is visible under; null for requests without the header.</param>
    /// <param name="metadata">Its metadata (at most 16 pairs).</param>
    /// <returns>Its id (<c>conv_…</c>).</returns>
    public string SeedOpenAIConversation(string? userIsolationKey = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        _state.SeedOpenAI(1, userIsolationKey, metadata)[0];

    /// <summary>Creates many conversations in the OpenAI dialect, oldest first, each with message items if asked.</summary>
    /// <param name="count">How many.</param>
    /// <param name="userIsolationKey">The isolation key they are visible under; null for requests without the header.</param>
    /// <param name="itemsEach">How many message items each holds (<c>msg_…</c>, user and assistant in turn).</param>
    /// <returns>Their ids, in creation order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or <paramref name="itemsEach"/> is negative.</exception>
    public IReadOnlyList<string> SeedOpenAIConversations(int count, string? userIsolationKey = null, int itemsEach = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(itemsEach);
        return _state.SeedOpenAI(count, userIsolationKey, items: itemsEach);
    }

    /// <summary>Creates a Dify conversation owned by <paramref name="user"/>.</summary>
    /// <param name="user">The end user who owns it.</param>
    /// <param name="name">Its name.</param>
    /// <returns>Its id (a UUID).</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null or empty.</exception>
    public string SeedDifyConversation(string user, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return _state.SeedDify(1, user, name)[0];
    }

    /// <summary>Creates many Dify conversations owned by <paramref name="user"/>, oldest first, each with messages if asked.</summary>
    /// <param name="count">How many.</param>
    /// <param name="user">The end user who owns them.</param>
    /// <param name="messagesEach">How many messages (a query and its answer each) each holds.</param>
    /// <returns>Their ids, in creation order.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null or empty, or a count is negative.</exception>
    public IReadOnlyList<string> SeedDifyConversations(int count, string user, int messagesEach = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(messagesEach);
        ArgumentException.ThrowIfNullOrEmpty(user);
        return _state.SeedDify(count, user, null, messagesEach);
    }

    /// <summary>Gets whether an OpenAI-dialect conversation exists under an isolation key.</summary>
    /// <param name="conversationId">The id.</param>
    /// <param name="userIsolationKey">The isolation key; null for none.</param>
    /// <returns>True when it exists and is visible under that key.</returns>
    public bool OpenAIConversationExists(string conversationId, string? userIsolationKey = null) =>
        _state.OpenAI.Get(conversationId, userIsolationKey) is not null;

    /// <summary>Gets whether a Dify conversation exists for a user.</summary>
    /// <param name="conversationId">The id.</param>
    /// <param name="user">The end user.</param>
    /// <returns>True when it exists and belongs to <paramref name="user"/>.</returns>
    public bool DifyConversationExists(string conversationId, string user) => _state.Dify.Exists(conversationId, user);

    /// <summary>Counts the OpenAI-dialect conversations visible under an isolation key.</summary>
    /// <param name="userIsolationKey">The isolation key; null for none.</param>
    /// <returns>How many exist.</returns>
    public int CountOpenAIConversations(string? userIsolationKey = null) => _state.OpenAI.Count(userIsolationKey);

    /// <summary>Counts a user's Dify conversations.</summary>
    /// <param name="user">The end user.</param>
    /// <returns>How many exist.</returns>
    public int CountDifyConversations(string user) => _state.Dify.Count(user);

    /// <summary>
    /// Counts the items stored for an OpenAI-dialect conversation, also after it is deleted: OpenAI's conversation delete
    /// leaves the items stored ("Items in the conversation will not be deleted"), out of the API's reach.
    /// </summary>
    /// <param name="conversationId">The id.</param>
    /// <param name="userIsolationKey">The isolation key it belongs to; null for none.</param>
    /// <returns>How many items are stored; 0 for a conversation that key never had.</returns>
    public int CountOpenAIItems(string conversationId, string? userIsolationKey = null) =>
        _state.OpenAI.CountItems(conversationId, userIsolationKey) ?? 0;

    /// <summary>Counts the items left stored by deleted OpenAI-dialect conversations of an isolation key, which the API can no longer reach.</summary>
    /// <param name="userIsolationKey">The isolation key; null for none.</param>
    /// <returns>How many items of deleted conversations are stored.</returns>
    public int CountOrphanedOpenAIItems(string? userIsolationKey = null) => _state.OpenAI.CountOrphanedItems(userIsolationKey);

    /// <summary>
    /// Adds stored responses (<c>resp_…</c>) linked to an OpenAI-dialect conversation: objects of their own, which its
    /// delete leaves stored; Azure AI Foundry's path (<c>/openai/v1/responses?conversation_id=</c>) lists them, OpenAI's <c>/v1</c> does not.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="count">How many.</param>
    /// <param name="userIsolationKey">The isolation key it belongs to; null for none.</param>
    /// <returns>The responses' ids, oldest first.</returns>
    /// <exception cref="ArgumentException">No such conversation for that key, or <paramref name="count"/> is negative.</exception>
    public IReadOnlyList<string> SeedOpenAIResponses(string conversationId, int count, string? userIsolationKey = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return _state.SeedOpenAIResponses(conversationId, userIsolationKey, count)
            ?? throw new ArgumentException("No conversation with this id exists for this isolation key.", nameof(conversationId));
    }

    /// <summary>Counts the stored responses left by deleted OpenAI-dialect conversations of an isolation key.</summary>
    /// <param name="userIsolationKey">The isolation key; null for none.</param>
    /// <returns>How many responses of deleted conversations are stored.</returns>
    public int CountOrphanedOpenAIResponses(string? userIsolationKey = null) => _state.OpenAI.CountOrphanedResponses(userIsolationKey);

    /// <summary>Counts the messages of a user's Dify conversation (none once it is deleted: Dify deletes them with it).</summary>
    /// <param name="conversationId">The id.</param>
    /// <param name="user">The end user.</param>
    /// <returns>How many messages it holds; 0 when it does not exist for <paramref name="user"/>.</returns>
    public int CountDifyMessages(string conversationId, string user) => _state.Dify.CountMessages(conversationId, user) ?? 0;

    /// <summary>Replaces the injected faults; the count of <see cref="ServiceFaultOptions.FailFirst"/> starts again.</summary>
    /// <param name="faults">The new faults (copied).</param>
    /// <exception cref="ArgumentNullException"><paramref name="faults"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void SetFaults(ServiceFaultOptions faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        _state.Faults.Configure(faults);
    }

    /// <summary>Stops injecting faults and latency.</summary>
    public void ClearFaults() => _state.Faults.Configure(new ServiceFaultOptions());

    /// <summary>
    /// Replaces the rate limits on DELETE and GET (read) requests; the buckets start full (<see cref="ServiceRateLimitOptions.Burst"/>
    /// deletes and <see cref="ServiceRateLimitOptions.ReadBurst"/> reads may go at once).
    /// </summary>
    /// <param name="rateLimit">The new limits (copied); a rate of 0 removes that limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rateLimit"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void SetRateLimit(ServiceRateLimitOptions rateLimit)
    {
        ArgumentNullException.ThrowIfNull(rateLimit);
        _state.RateLimit.Configure(rateLimit);
    }

    /// <summary>Stops limiting the rate of deletes and reads.</summary>
    public void ClearRateLimit() => _state.RateLimit.Configure(new ServiceRateLimitOptions());

    /// <summary>Returns a snapshot of the counters.</summary>
    /// <returns>What has been answered since the start or the last reset.</returns>
    public ServiceCounters GetCounters() => _state.Counters.Snapshot();

    /// <summary>Sets every counter back to zero.</summary>
    public void ResetCounters() => _state.Counters.Reset();

    /// <summary>Forgets every conversation, clears the faults and the rate limit, and resets the counters.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Waits until the host is asked to stop (Ctrl+C or SIGTERM for the standalone emulator).</summary>
    internal Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening and releases the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
