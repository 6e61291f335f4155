namespace ConversationClient.Tests.TestSupport;

/// <summary>Builds clients over a <see cref="ScriptedHandler"/> the way the factory does, with a test clock when given.</summary>
internal static class TestClients
{
    public const string ApiKey = "sk-test-SECRET-key-123";
    public const string OpenAIBase = "https://example.openai.azure.com/openai/v1";
    public const string DifyBase = "https://dify.example.com/v1";

    public static ConversationClientOptions Options(ConversationApiDialect dialect, Action<ConversationClientOptions>? configure = null)
    {
        var options = new ConversationClientOptions
        {
            Dialect = dialect,
            BaseAddress = new Uri(dialect == ConversationApiDialect.OpenAI ? OpenAIBase : DifyBase),
            ApiKey = ApiKey,
        };
        options.Retry.BaseDelay = TimeSpan.Zero;
        configure?.Invoke(options);
        return options;
    }

    public static IConversationClient Create(ConversationApiDialect dialect, HttpMessageHandler handler,
        Action<ConversationClientOptions>? configure = null, TimeProvider? clock = null, Func<double>? random = null) =>
        ConversationClientFactory.Create(Options(dialect, configure), handler, clock ?? TimeProvider.System, random ?? (() => 0.5));

    /// <summary>The user argument each dialect accepts in tests (Dify requires one).</summary>
    public static string? UserFor(ConversationApiDialect dialect) => dialect == ConversationApiDialect.Dify ? "user-42" : null;
}
