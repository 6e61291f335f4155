// OpenAI 2.15.0 marks its Conversations client experimental (OPENAI001); measuring it is the point of this file.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OfficialClient = OpenAI.Conversations.ConversationClient;
using OfficialClientOptions = OpenAI.Conversations.ConversationClientOptions;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The clients every benchmark uses, against <see cref="LoopbackServer"/> and against an <see cref="InMemoryTransport"/>:
/// a hand-written <see cref="HttpClient"/> call (the floor, the baseline of each category), the official OpenAI SDK,
/// and <see cref="IConversationClient"/>. The hand-written and official loopback clients run on
/// their own <see cref="SocketsHttpHandler"/> with the same pooling as <see cref="ConversationClientFactory"/>'s shared
/// one, on which the SDK's loopback clients run. One delete per operation, <see cref="InARow"/>
/// awaited one after another per invocation (and 10,000 at concurrency 32 for throughput).
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

    private LoopbackServer _server = null!;
    private HttpClient _officialHttp = null!;
    private protected HttpClient _rawOpenAI = null!;
    private protected HttpClient _rawDify = null!;
    private protected OfficialClient _official = null!;
    private protected IConversationClient _sdkOpenAI = null!;
    private protected IConversationClient _sdkDify = null!;

    // The same clients on an in-memory transport: no round trip, only each client's own work per call.
    private static readonly Uri InMemoryOpenAIBase = new("http://in-memory.test/v1/");
    private static readonly Uri InMemoryDifyBase = new("http://in-memory.test/dify/v1/");
    private HttpClient _memOfficialHttp = null!;
    private protected HttpClient _memRawOpenAI = null!;
    private protected HttpClient _memRawDify = null!;
    private protected OfficialClient _memOfficial = null!;
    private protected IConversationClient _memSdkOpenAI = null!;
    private protected IConversationClient _memSdkDify = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _server = LoopbackServer.StartAsync().GetAwaiter().GetResult();
        _rawOpenAI = RawClient(_server.OpenAIBase);
        _rawDify = RawClient(_server.DifyBase);

        _officialHttp = new HttpClient(NewHandler());
        _official = OfficialClientOn(_officialHttp, _server.OpenAIBase);

        // As users make them; a zero base delay so the 503-then-200 call measures the retry, not the wait.
        _sdkOpenAI = SdkClient(ConversationApiDialect.OpenAI, _server.OpenAIBase);
        _sdkDify = SdkClient(ConversationApiDialect.Dify, _server.DifyBase);

        var transport = new InMemoryTransport();
        _memRawOpenAI = RawClient(InMemoryOpenAIBase, transport);
        _memRawDify = RawClient(InMemoryDifyBase, transport);
        _memOfficialHttp = new HttpClient(transport, disposeHandler: false);
        _memOfficial = OfficialClientOn(_memOfficialHttp, InMemoryOpenAIBase);
        _memSdkOpenAI = SdkClient(ConversationApiDialect.OpenAI, InMemoryOpenAIBase, transport);
        _memSdkDify = SdkClient(ConversationApiDialect.Dify, InMemoryDifyBase, transport);

        // Every client answers as expected before anything is measured (and has its connections open).
        Check(RawOpenAIOnce(_rawOpenAI).GetAwaiter().GetResult(), "hand-written OpenAI");
        Check(OfficialOpenAIOnce(_official).GetAwaiter().GetResult(), "official OpenAI SDK");
        Check(SdkOnce(_sdkOpenAI, null).GetAwaiter().GetResult(), "SDK OpenAI");
        Check(RawDifyOnce(_rawDify).GetAwaiter().GetResult(), "hand-written Dify");
        Check(SdkOnce(_sdkDify, User).GetAwaiter().GetResult(), "SDK Dify");
        Check(NotFoundOnce(_sdkOpenAI, null).GetAwaiter().GetResult(), "SDK OpenAI 404");
        Check(NotFoundOnce(_sdkDify, User).GetAwaiter().GetResult(), "SDK Dify 404");
        Check(RetriedOnce(_sdkOpenAI).GetAwaiter().GetResult(), "SDK OpenAI 503-then-200");
        Check(RawOpenAIOnce(_memRawOpenAI).GetAwaiter().GetResult(), "in-memory hand-written OpenAI");
        Check(OfficialOpenAIOnce(_memOfficial).GetAwaiter().GetResult(), "in-memory official OpenAI SDK");
        Check(SdkOnce(_memSdkOpenAI, null).GetAwaiter().GetResult(), "in-memory SDK OpenAI");
        Check(RawDifyOnce(_memRawDify).GetAwaiter().GetResult(), "in-memory hand-written Dify");
        Check(SdkOnce(_memSdkDify, User).GetAwaiter().GetResult(), "in-memory SDK Dify");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _rawOpenAI.Dispose();
        _rawDify.Dispose();
        _officialHttp.Dispose();
        _memRawOpenAI.Dispose();
        _memRawDify.Dispose();
        _memOfficialHttp.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

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

    private static void Check(bool ok, string what)
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
