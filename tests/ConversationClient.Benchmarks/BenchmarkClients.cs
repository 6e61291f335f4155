// OpenAI 2.15.0 marks its Conversations client experimental (OPENAI001); measuring it is the point of this file.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Http.Resilience;
using StandardResilienceHandler = Microsoft.Extensions.Http.Resilience.ResilienceHandler;
using Polly;
using ConversationClient.Dialects.Dify;
using ConversationClient.Http;
using ConversationClient.Pipeline;
using ConversationClient.Dialects.OpenAI;
using OfficialClient = OpenAI.Conversations.ConversationClient;
using OfficialClientOptions = OpenAI.Conversations.ConversationClientOptions;

namespace ConversationClient.Benchmarks;

/// <summary>Where the clients' requests go.</summary>
public enum Transport
{
    /// <summary>Over a socket to <see cref="LoopbackServer"/>, in the same process.</summary>
    Loopback,

    /// <summary>To an <see cref="InMemoryTransport"/>: no round trip, only each client's own work per call.</summary>
    InMemory,
}

/// <summary>
/// The clients every benchmark uses, once per <see cref="Transport"/>: a hand-written <see cref="HttpClient"/> call (the
/// floor, the baseline of each category), the official OpenAI SDK, and <see cref="IConversationClient"/>. The
/// hand-written and official loopback clients run on their own <see cref="SocketsHttpHandler"/> with the same pooling as
/// <see cref="ConversationClientFactory"/>'s shared one, on which the SDK's loopback clients run. One delete per
/// operation, <see cref="InARow"/> awaited one after another per invocation (and 10,000 at concurrency 32 for throughput).
/// </summary>
public abstract class BenchmarkClients
{
    public const int ThroughputDeletes = 10_000;
    public const int Concurrency = 32;
    /// <summary>
    /// Deletes awaited one after another per invocation of a single-delete benchmark, as application code awaits them.
    /// BenchmarkDotNet waits for each invocation's Task synchronously: with one delete per invocation, that wait (on its
    /// own thread, while the delete ends on a pool thread) outlasted its spin on some calls and not on others, which
    /// made the loopback times bimodal.
    /// </summary>
    public const int InARow = 100;
    private const string ApiKey = "sk-benchmark";
    private protected const string User = "user-1";

    private static readonly Uri InMemoryOpenAIBase = new("http://in-memory.test/v1/");
    private static readonly Uri InMemoryDifyBase = new("http://in-memory.test/dify/v1/");

    private LoopbackServer _server = null!;
    private protected Clients _loopback = null!;
    private protected Clients _inMemory = null!;

    /// <summary>The clients of one transport.</summary>
    private protected sealed record Clients(HttpClient RawOpenAI, HttpClient RawDify, HttpClient OfficialHttp, OfficialClient Official,
        IConversationClient SdkOpenAI, IConversationClient SdkDify, HttpClient RefitOpenAIHttp, HttpClient RefitDifyHttp, HttpClient PollyRefitOpenAIHttp)
    {
        public IOpenAIConversationsApi RefitOpenAI { get; } = ConversationApis.Create<IOpenAIConversationsApi>(RefitOpenAIHttp);

        public IOpenAIConversationsApi PollyRefitOpenAI { get; } = ConversationApis.Create<IOpenAIConversationsApi>(PollyRefitOpenAIHttp);

        public IDifyConversationsApi RefitDify { get; } = ConversationApis.Create<IDifyConversationsApi>(RefitDifyHttp);

        /// <summary>Every client on <paramref name="transport"/>, or each on its own socket handler (the SDK's: the factory's shared one) when null.</summary>
        public static Clients On(Uri openAIBase, Uri difyBase, HttpMessageHandler? transport)
        {
            var officialHttp = transport is null ? new HttpClient(NewHandler()) : new HttpClient(transport, disposeHandler: false);
            return new Clients(RawClient(openAIBase, transport), RawClient(difyBase, transport), officialHttp, OfficialClientOn(officialHttp, openAIBase),
                SdkClient(ConversationApiDialect.OpenAI, openAIBase, transport), SdkClient(ConversationApiDialect.Dify, difyBase, transport),
                RawClient(openAIBase, transport), RawClient(difyBase, transport), PollyRawClient(openAIBase, transport));
        }

        /// <summary>Every client answers as expected (and has its connections open) before anything is measured.</summary>
        public void Check(string transport)
        {
            BenchmarkClients.Check(RawOpenAIOnce(RawOpenAI).GetAwaiter().GetResult(), transport + " hand-written OpenAI");
            BenchmarkClients.Check(OfficialOpenAIOnce(Official).GetAwaiter().GetResult(), transport + " official OpenAI SDK");
            BenchmarkClients.Check(SdkOnce(SdkOpenAI, null).GetAwaiter().GetResult(), transport + " SDK OpenAI");
            BenchmarkClients.Check(RawDifyOnce(RawDify).GetAwaiter().GetResult(), transport + " hand-written Dify");
            BenchmarkClients.Check(SdkOnce(SdkDify, User).GetAwaiter().GetResult(), transport + " SDK Dify");
            BenchmarkClients.Check(RefitOpenAIOnce(RefitOpenAI).GetAwaiter().GetResult(), transport + " bare Refit OpenAI");
            BenchmarkClients.Check(RefitDifyOnce(RefitDify).GetAwaiter().GetResult(), transport + " bare Refit Dify");
            BenchmarkClients.Check(RefitOpenAIOnce(PollyRefitOpenAI).GetAwaiter().GetResult(), transport + " Refit behind Polly's standard pieces");
        }

        public void Dispose()
        {
            RawOpenAI.Dispose();
            RawDify.Dispose();
            OfficialHttp.Dispose();
            RefitOpenAIHttp.Dispose();
            RefitDifyHttp.Dispose();
            PollyRefitOpenAIHttp.Dispose();
        }
    }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _server = LoopbackServer.StartAsync().GetAwaiter().GetResult();

        // As users make them; a zero base delay so the 503-then-200 call measures the retry, not the wait.
        _loopback = Clients.On(_server.OpenAIBase, _server.DifyBase, transport: null);
        _inMemory = Clients.On(InMemoryOpenAIBase, InMemoryDifyBase, new InMemoryTransport());
        _loopback.Check("loopback");
        _inMemory.Check("in-memory");
        Check(NotFoundOnce(_loopback.SdkOpenAI, null).GetAwaiter().GetResult(), "loopback SDK OpenAI 404");
        Check(NotFoundOnce(_loopback.SdkDify, User).GetAwaiter().GetResult(), "loopback SDK Dify 404");
        Check(RetriedOnce(_loopback.SdkOpenAI).GetAwaiter().GetResult(), "loopback SDK OpenAI 503-then-200");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _secondRawOpenAI?.Dispose();
        _loopback.Dispose();
        _inMemory.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// 100 OpenAI deletes in a row by a second hand-written client on its own handler (so its own connection and
    /// server-side connection), for <see cref="PairedComparison"/>'s control: two clients that do the same work.
    /// </summary>
    internal Task SecondRawOpenAIDelete() => Repeat(RawOpenAIOnce, _secondRawOpenAI ??= RawClient(_server.OpenAIBase));

    private HttpClient? _secondRawOpenAI;

    // ---- One delete of each kind ----

    private protected static async Task<bool> RawOpenAIOnce(HttpClient client)
    {
        using var response = await client.DeleteAsync("conversations/conv_1");
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode && JsonSerializer.Deserialize(body, RawJsonContext.Default.RawDeleted)?.Deleted == true;
    }

    private protected static async Task<bool> OfficialOpenAIOnce(OfficialClient client)
    {
        // The protocol method is the SDK's only delete for conversations; it throws for a non-success status.
        var result = await client.DeleteConversationAsync("conv_1");
        using var document = JsonDocument.Parse(result.GetRawResponse().Content);
        return document.RootElement.GetProperty("deleted").GetBoolean();
    }

    private protected static async Task<bool> RawDifyOnce(HttpClient client)
    {
        // The body names the end user, so it is built per call, as the SDK does.
        var body = JsonSerializer.SerializeToUtf8Bytes(new RawDifyBody { User = User }, RawJsonContext.Default.RawDifyBody);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "conversations/conv_1")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode && answer.Length == 0;
    }

    /// <summary>
    /// The SDK's own Refit interface on a plain <see cref="HttpClient"/> (with the key as a default header, as the
    /// hand-written client has it), no SDK around it: no resilience handler, no call state, no result mapping.
    /// The floor of the SDK's design.
    /// </summary>
    private protected static async Task<bool> RefitOpenAIOnce(IOpenAIConversationsApi api)
    {
        using var response = await api.DeleteConversationAsync("conv_1", new CallState(), CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode && JsonSerializer.Deserialize(body, RawJsonContext.Default.RawDeleted)?.Deleted == true;
    }

    /// <summary>The Dify delete through the SDK's Refit interface alone (see <see cref="RefitOpenAIOnce"/>).</summary>
    private protected static async Task<bool> RefitDifyOnce(IDifyConversationsApi api)
    {
        using var response = await api.DeleteConversationAsync("conv_1", new DifyDeleteRequest(User), new CallState(), CancellationToken.None);
        var answer = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode && answer.Length == 0;
    }

    private protected static Task<bool> SdkOpenAIOnce(IConversationClient client) => SdkOnce(client, null);

    private protected static Task<bool> SdkDifyOnce(IConversationClient client) => SdkOnce(client, User);

    private protected static async Task<bool> SdkOnce(IConversationClient client, string? user) => (await client.DeleteAsync("conv_1", user)).IsSuccess;

    private protected static async Task<bool> NotFoundOnce(IConversationClient client, string? user) =>
        (await client.DeleteAsync("missing_1", user)).Outcome == DeleteConversationOutcome.NotFound;

    private protected static async Task<bool> RetriedOnce(IConversationClient client) =>
        (await client.DeleteAsync("flaky_1")) is { IsSuccess: true, Attempts: 2 };

    /// <summary>Awaits <see cref="InARow"/> deletes one after another; throws if any did not answer as expected.</summary>
    private protected static async Task Repeat<TClient>(Func<TClient, Task<bool>> delete, TClient client)
    {
        for (var i = 0; i < InARow; i++)
        {
            if (!await delete(client))
            {
                throw new InvalidOperationException("A delete did not answer as expected.");
            }
        }
    }

    private protected static async Task RunConcurrently(Func<Task<bool>> delete)
    {
        var next = 0;
        var failed = 0;
        var workers = new Task[Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= ThroughputDeletes)
                {
                    if (!await delete())
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            });
        }

        await Task.WhenAll(workers);
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {ThroughputDeletes} deletes failed.");
        }
    }

    /// <summary>
    /// A client as <see cref="ConversationClientFactory.Create(ConversationClientOptions)"/> makes it, on its shared
    /// handler, or the same construction on <paramref name="transport"/> as the primary handler.
    /// </summary>
    private static IConversationClient SdkClient(ConversationApiDialect dialect, Uri baseAddress, HttpMessageHandler? transport = null)
    {
        var options = new ConversationClientOptions
        {
            Dialect = dialect,
            BaseAddress = baseAddress,
            ApiKey = ApiKey,
            Retry = { BaseDelay = TimeSpan.Zero },
        };
        return transport is null
            ? ConversationClientFactory.Create(options)
            : ConversationClientFactory.Create(options, transport, TimeProvider.System);
    }

    private static OfficialClient OfficialClientOn(HttpClient httpClient, Uri endpoint) =>
        new(new ApiKeyCredential(ApiKey), new OfficialClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(httpClient),
        });

    /// <summary>
    /// The bare Refit call's client behind the standard pieces as Microsoft.Extensions.Http.Resilience ships them: its
    /// <see cref="StandardResilienceHandler"/> running a Polly pipeline of its HTTP retry and one attempt timeout (the fewest
    /// strategies a call with retries and timeouts has; the SDK's call outside a batch has the same two). Not a goal's
    /// side: a reference for what Polly's own strategies cost by themselves, with none of the SDK's work around them.
    /// </summary>
    private static HttpClient PollyRawClient(Uri baseAddress, HttpMessageHandler? transport)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions { Delay = TimeSpan.Zero })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(10) })
            .Build();
        var handler = new StandardResilienceHandler(pipeline) { InnerHandler = transport ?? NewHandler() };
        // The in-memory transport is shared by every client of its transport: disposing this client must not dispose it.
        return new HttpClient(handler, disposeHandler: transport is null)
        {
            BaseAddress = baseAddress,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", ApiKey) },
        };
    }

    private static HttpClient RawClient(Uri baseAddress, HttpMessageHandler? transport = null) => new(transport ?? NewHandler(), disposeHandler: transport is null)
    {
        BaseAddress = baseAddress,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", ApiKey) },
    };

    /// <summary>
    /// A primary handler with the same pooling as <see cref="ConversationClientFactory"/>'s shared one; redirects are
    /// left on, as <see cref="HttpClient"/> code that does not think about them has them.
    /// </summary>
    private static SocketsHttpHandler NewHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };

    private protected static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"The {what} delete did not answer as expected.");
        }
    }
}

/// <summary>What the hand-written client reads from OpenAI's delete body.</summary>
public sealed class RawDeleted
{
    [JsonPropertyName("deleted")]
    public bool Deleted { get; set; }
}

/// <summary>The hand-written client's Dify delete body.</summary>
public sealed class RawDifyBody
{
    [JsonPropertyName("user")]
    public string User { get; set; } = "";
}

[JsonSerializable(typeof(RawDeleted))]
[JsonSerializable(typeof(RawDifyBody))]
internal sealed partial class RawJsonContext : JsonSerializerContext;
