using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationClient.Emulator;

namespace ConversationClient.Emulator.Tests;

/// <summary>Starts a fresh emulator for every test and gives SDK clients and raw HTTP helpers pointed at it.</summary>
public abstract class EmulatorTestBase
{
    protected ConversationEmulator Emulator { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    [SetUp]
    public async Task StartEmulator()
    {
        Emulator = await ConversationEmulator.StartAsync(CreateOptions());
        Http = new HttpClient { BaseAddress = Emulator.BaseAddress };
    }

    [TearDown]
    public async Task StopEmulator()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    protected virtual ConversationEmulatorOptions CreateOptions() => new();

    protected IConversationClient OpenAIClient(Action<ConversationClientOptions>? configure = null) =>
        Client(ConversationApiDialect.OpenAI, Emulator.OpenAIBaseAddress, Emulator.OpenAIApiKey, configure);

    protected IConversationClient AzureClient(Action<ConversationClientOptions>? configure = null) =>
        Client(ConversationApiDialect.OpenAI, Emulator.AzureBaseAddress, Emulator.OpenAIApiKey, options =>
        {
            options.ApiKeyHeaderName = "api-key";
            configure?.Invoke(options);
        });

    protected IConversationClient DifyClient(Action<ConversationClientOptions>? configure = null) =>
        Client(ConversationApiDialect.Dify, Emulator.DifyBaseAddress, Emulator.DifyApiKey, configure);

    protected static IConversationClient Client(ConversationApiDialect dialect, Uri baseAddress, string apiKey,
        Action<ConversationClientOptions>? configure = null)
    {
        var options = new ConversationClientOptions { Dialect = dialect, BaseAddress = baseAddress, ApiKey = apiKey };
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(options);
        return ConversationClientFactory.Create(options);
    }

    /// <summary>Sends a request with a bearer key and optional headers and JSON body; returns status, body and headers.</summary>
    protected async Task<RawResponse> SendAsync(HttpMethod method, string path, string? bearer, string? json = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(Emulator.BaseAddress, path));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new RawResponse((int)response.StatusCode, body, response.Headers);
    }

    protected sealed record RawResponse(int Status, string Body, HttpResponseHeaders Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }
}
