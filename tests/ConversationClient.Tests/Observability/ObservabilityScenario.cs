using System.Net;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Tests.Observability;

/// <summary>
/// One test's world: a server address of its own (so global listeners can tell its calls apart), a scripted handler,
/// and captures of logs, activities and measurements.
/// </summary>
internal sealed class ObservabilityScenario : IDisposable
{
    public const string ApiKey = "sk-obs-SECRET-KEY-7d1e93";
    public const string Token = "tok-obs-SECRET-TOKEN-52ab08";
    public const string User = "user-obs-SECRET-USER-c4f2";

    // Without its "id": the tests delete a new id each; an id that is there must be the one deleted.
    public const string OpenAIDeleted = """{"object":"conversation.deleted","deleted":true}""";
    public const string OpenAINotFound = """{"error":{"message":"Conversation not found.","type":"invalid_request_error","code":"not_found"}}""";
    public const string OpenAIBadRequest = """{"error":{"message":"Invalid conversation id.","type":"invalid_request_error","code":"invalid_value"}}""";
    public const string DifyDeleted = """{"result":"success"}""";
    public const string DifyNotFound = """{"code":"not_found","message":"Conversation Not Exists.","status":404}""";

    private readonly ILoggerFactory _loggerFactory;

    public ObservabilityScenario()
    {
        Host = $"obs-{Guid.NewGuid():N}.example.test";
        _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Activities = new ObservabilityActivityCapture(Host);
        Metrics = new ObservabilityMeterCapture(Host);
    }

    public string Host { get; }

    public ObservabilityTestHandler Handler { get; } = new();

    public ObservabilityLogCapture Logs { get; } = new();

    public ObservabilityActivityCapture Activities { get; }

    public ObservabilityMeterCapture Metrics { get; }

    public static string NewConversationId() => "conv_obs_" + Guid.NewGuid().ToString("N");

    public static void WithRequestId(HttpResponseMessage response, string requestId) =>
        response.Headers.TryAddWithoutValidation("x-request-id", requestId);

    public static void WithRetryAfterMs(HttpResponseMessage response, int milliseconds) =>
        response.Headers.TryAddWithoutValidation("retry-after-ms", milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A client on the scripted handler with an API key, 3 retries, a 2 ms base delay and no jitter
    /// (so the retry delays are 2 ms, 4 ms, 8 ms).
    /// </summary>
    public IConversationClient CreateClient(ConversationApiDialect dialect, Action<ConversationClientOptions>? configure = null)
    {
        var options = new ConversationClientOptions
        {
            Dialect = dialect,
            BaseAddress = new Uri($"https://{Host}/v1"),
            ApiKey = ApiKey,
            Retry = { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(100) },
        };
        configure?.Invoke(options);
        return ConversationClientFactory.Create(options, Handler, TimeProvider.System, () => 0.5, _loggerFactory);
    }

    public ObservabilityScenario Respond(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null)
    {
        Handler.Respond(status, json, configure);
        return this;
    }

    public void Dispose()
    {
        Activities.Dispose();
        Metrics.Dispose();
        _loggerFactory.Dispose();
        Handler.Dispose();
    }
}
