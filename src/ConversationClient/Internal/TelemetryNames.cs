namespace ConversationClient.Internal;

/// <summary>
/// The names the telemetry writes besides the public ones of <see cref="ConversationClientDiagnostics"/>: activity,
/// instruments, log event ids and tags. OpenTelemetry's names where it has one (GenAI: <c>gen_ai.*</c>; HTTP client:
/// <c>http.*</c>, <c>server.*</c>, <c>error.type</c>); the SDK's own under <c>conversation.*</c>. The README lists them.
/// </summary>
internal static class TelemetryNames
{
    public const string ActivitySourceName = ConversationClientDiagnostics.ActivitySourceName;

    public const string MeterName = ConversationClientDiagnostics.MeterName;

    public const string LoggerCategory = ConversationClientDiagnostics.LoggerCategory;

    /// <summary>The name of the activity (of kind <c>Client</c>) that spans one delete call, all its attempts and waits.</summary>
    public const string DeleteActivityName = "ConversationClient.Delete";

    /// <summary>The name of the activity event added for each retry, tagged with <see cref="AttemptTag"/>, <see cref="RetryReasonTag"/>, <see cref="RetryDelayTag"/> and <see cref="RetryDelayFromServerTag"/>.</summary>
    public const string RetryEventName = "conversation.retry";

    /// <summary>Counter of finished calls (unit <c>{call}</c>), tagged with <see cref="DialectTag"/>, <see cref="OutcomeTag"/> and <see cref="ServerAddressTag"/>.</summary>
    public const string CallsInstrumentName = "conversation.client.calls";

    /// <summary>Counter of retries (unit <c>{retry}</c>), tagged with <see cref="DialectTag"/>, <see cref="RetryReasonTag"/> and <see cref="ServerAddressTag"/>.</summary>
    public const string RetriesInstrumentName = "conversation.client.retries";

    /// <summary>Histogram of call duration in seconds (unit <c>s</c>), all attempts and waits together, tagged like <see cref="CallsInstrumentName"/>.</summary>
    public const string CallDurationInstrumentName = "conversation.client.call.duration";

    /// <summary>Event id of "a delete call started" (level Debug).</summary>
    public const int DeleteStartedEventId = 1;

    /// <summary>Event id of "a delete call ended Deleted or NotFound" (level Information).</summary>
    public const int DeleteFinishedEventId = 2;

    /// <summary>Event id of "a delete call ended Failed", after its retries were used up or on a failure not worth retrying (level Warning).</summary>
    public const int DeleteFailedEventId = 3;

    /// <summary>Event id of "an attempt failed and will be retried after a delay" (level Information).</summary>
    public const int RetryEventId = 4;

    /// <summary>Event id of "a delete call was cancelled by its caller or ended in an unexpected exception" (level Debug).</summary>
    public const int DeleteAbortedEventId = 5;

    /// <summary>Tag with the HTTP method, <c>DELETE</c> (OpenTelemetry HTTP client convention).</summary>
    public const string HttpRequestMethodTag = "http.request.method";

    /// <summary>Tag with the host name of the service (OpenTelemetry HTTP client convention).</summary>
    public const string ServerAddressTag = "server.address";

    /// <summary>Tag with the port of the service (OpenTelemetry HTTP client convention).</summary>
    public const string ServerPortTag = "server.port";

    /// <summary>Tag with the HTTP status code of the last response, when one arrived (OpenTelemetry HTTP client convention).</summary>
    public const string HttpResponseStatusCodeTag = "http.response.status_code";

    /// <summary>
    /// Tag set when a call failed (OpenTelemetry convention): the status code of an error response (<c>503</c>),
    /// else the <see cref="ConversationApiError.Code"/> (<c>timeout</c>, <c>connection_failed</c>,
    /// <c>credential_unavailable</c>, <c>not_deleted</c>), or an exception's full type name for a cancelled call.
    /// </summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag with the API dialect: <c>openai</c> or <c>dify</c>.</summary>
    public const string DialectTag = "conversation.dialect";

    /// <summary>Tag with the outcome: <c>deleted</c>, <c>not_found</c> or <c>failed</c> (and on metrics <c>canceled</c> for a call that threw).</summary>
    public const string OutcomeTag = "conversation.outcome";

    /// <summary>Tag with the number of HTTP attempts the call made.</summary>
    public const string AttemptsTag = "conversation.attempts";

    /// <summary>Tag with the conversation id (OpenTelemetry GenAI convention; activities only, never metrics).</summary>
    public const string ConversationIdTag = "gen_ai.conversation.id";

    /// <summary>Tag with the service's request id of the last response, when given (activities only).</summary>
    public const string RequestIdTag = "conversation.request_id";

    /// <summary>Tag with the <c>user</c> argument; only when <see cref="ConversationClientOptions.LogUserId"/> is on (activities only).</summary>
    public const string UserTag = "conversation.user";

    /// <summary>Tag of a retry event with the number of the attempt that failed (1 for the first).</summary>
    public const string AttemptTag = "conversation.attempt";

    /// <summary>Tag with why an attempt is retried: the status code (<c>503</c>) or the exception's type name (<c>HttpRequestException</c>, <c>TimeoutRejectedException</c>).</summary>
    public const string RetryReasonTag = "conversation.retry.reason";

    /// <summary>Tag of a retry event with the wait before the next attempt, in milliseconds.</summary>
    public const string RetryDelayTag = "conversation.retry.delay_ms";

    /// <summary>Tag of a retry event: true when the wait is the one the server asked for (<c>Retry-After</c> and its variants).</summary>
    public const string RetryDelayFromServerTag = "conversation.retry.delay_from_server";

    /// <summary>Tag with the GenAI operation (OpenTelemetry GenAI convention); none is registered for deletes, so the value is the SDK's own.</summary>
    public const string OperationNameTag = "gen_ai.operation.name";

    /// <summary>The <see cref="OperationNameTag"/> of a delete.</summary>
    public const string DeleteOperationName = "delete_conversation";

    /// <summary>
    /// Tag with the GenAI provider (OpenTelemetry GenAI convention): the registered <c>openai</c> or
    /// <c>azure.ai.openai</c>, and for Dify, which has no registered value, <c>dify</c>.
    /// </summary>
    public const string ProviderNameTag = "gen_ai.provider.name";
}
