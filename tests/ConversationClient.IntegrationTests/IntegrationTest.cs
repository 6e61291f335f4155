using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// Base of the integration tests: empties WireMock.Net's journal and resets its scenarios before each test, and makes
/// clients the way users do (<c>services.AddConversationClient(...)</c>), each in its own container so that every
/// test starts on new connections.
/// </summary>
public abstract class IntegrationTest
{
    public const string OpenAIKey = "sk-test-openai";
    public const string AzureKey = "azure-test-key";
    public const string DifyKey = "app-test-dify";

    /// <summary>A <c>x-ms-client-request-id</c> as the client makes them (a GUID).</summary>
    protected const string GuidPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    private readonly List<ServiceProvider> _providers = [];

    protected static StubServer Server => IntegrationSetUp.Server;

    [SetUp]
    public void ResetWireMock() => Server.Reset();

    [TearDown]
    public async Task DisposeClientsAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        _providers.Clear();
    }

    /// <summary>An OpenAI client on <c>/v1</c> with a bearer key.</summary>
    protected IConversationClient CreateOpenAIClient(Action<ConversationClientOptions>? configure = null) =>
        CreateClient(options =>
        {
            options.Dialect = ConversationApiDialect.OpenAI;
            options.BaseAddress = Server.Url("/v1");
            options.ApiKey = OpenAIKey;
            configure?.Invoke(options);
        });

    /// <summary>An Azure AI Foundry client (OpenAI dialect) on <c>/openai/v1</c> with an <c>api-key</c> header.</summary>
    protected IConversationClient CreateAzureClient(Action<ConversationClientOptions>? configure = null) =>
        CreateClient(options =>
        {
            options.Dialect = ConversationApiDialect.OpenAI;
            options.BaseAddress = Server.Url("/openai/v1");
            options.ApiKey = AzureKey;
            options.ApiKeyHeaderName = "api-key";
            configure?.Invoke(options);
        });

    /// <summary>A Dify client on <c>/v1</c> with a bearer app key.</summary>
    protected IConversationClient CreateDifyClient(Action<ConversationClientOptions>? configure = null) =>
        CreateClient(options =>
        {
            options.Dialect = ConversationApiDialect.Dify;
            options.BaseAddress = Server.Url("/v1");
            options.ApiKey = DifyKey;
            configure?.Invoke(options);
        });

    /// <summary>Registers clients on a fresh <see cref="ServiceCollection"/>, disposed after the test.</summary>
    protected IServiceProvider BuildServices(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Retries fast enough for the suite: 10 ms first backoff, short attempt timeout.</summary>
    protected static void UseFastRetries(ConversationClientOptions options)
    {
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.TotalTimeout = TimeSpan.FromSeconds(20);
    }

    private IConversationClient CreateClient(Action<ConversationClientOptions> configure) =>
        BuildServices(services => services.AddConversationClient(options =>
        {
            UseFastRetries(options);
            configure(options);
        })).GetRequiredService<IConversationClient>();
}
