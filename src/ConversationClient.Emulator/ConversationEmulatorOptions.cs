using ConversationClient.Testing;

namespace ConversationClient.Emulator;

/// <summary>Settings of a <see cref="ConversationEmulator"/>.</summary>
public sealed class ConversationEmulatorOptions
{
    /// <summary>The default <see cref="OpenAIApiKey"/>.</summary>
    public const string DefaultOpenAIApiKey = "sk-emulator-openai";

    /// <summary>The default <see cref="DifyApiKey"/>.</summary>
    public const string DefaultDifyApiKey = "app-emulator-dify";

    /// <summary>The default <see cref="UserIsolationHeaderName"/>.</summary>
    public const string DefaultUserIsolationHeaderName = "x-ms-user-isolation-key";

    /// <summary>
    /// Gets or sets the address to listen on. Port 0 picks a free port; the addresses actually bound are on the
    /// started <see cref="ConversationEmulator"/>.
    /// </summary>
    /// <value>Default: <c>http://127.0.0.1:0</c>.</value>
    public string ListenUrl { get; set; } = "http://127.0.0.1:0";

    /// <summary>
    /// Gets or sets the key of the OpenAI dialect, accepted as <c>Authorization: Bearer</c> or (Azure style) <c>api-key</c>.
    /// A request under <c>/v1</c> that presents this key is answered in the OpenAI dialect.
    /// </summary>
    /// <value>Default: <c>sk-emulator-openai</c>.</value>
    public string OpenAIApiKey { get; set; } = DefaultOpenAIApiKey;

    /// <summary>
    /// Gets or sets the Dify app key, accepted as <c>Authorization: Bearer</c>. A request under <c>/v1</c> that presents
    /// this key is answered in the Dify dialect.
    /// </summary>
    /// <value>Default: <c>app-emulator-dify</c>.</value>
    public string DifyApiKey { get; set; } = DefaultDifyApiKey;

    /// <summary>Gets or sets the header whose value scopes OpenAI-dialect conversations (Azure AI Foundry's per-user isolation).</summary>
    /// <value>Default: <c>x-ms-user-isolation-key</c>.</value>
    public string UserIsolationHeaderName { get; set; } = DefaultUserIsolationHeaderName;

    /// <summary>
    /// Gets or sets whether <c>GET /v1/conversations</c> lists in the OpenAI dialect. OpenAI's public API has no list
    /// operation, so by default only the Azure AI Foundry path (<c>/openai/v1</c>) lists and <c>/v1</c> answers 404.
    /// </summary>
    /// <value>Default: false.</value>
    public bool OpenAIPublicListing { get; set; }

    /// <summary>Gets the faults injected from the start; change them later with <see cref="ConversationEmulator.SetFaults"/>.</summary>
    public ServiceFaultOptions Faults { get; init; } = new();

    /// <summary>Gets the rate limits on DELETE and GET requests from the start; change them later with <see cref="ConversationEmulator.SetRateLimit"/>.</summary>
    public ServiceRateLimitOptions RateLimit { get; init; } = new();

    /// <summary>
    /// Gets or sets the clock of the <c>created_at</c> and <c>updated_at</c> timestamps and of the rate limit's bucket
    /// (injected latency always waits in real time).
    /// </summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets whether ASP.NET Core logs to the console (the standalone emulator does; in-process it is quiet).</summary>
    /// <value>Default: false.</value>
    public bool ConsoleLogging { get; set; }
}
