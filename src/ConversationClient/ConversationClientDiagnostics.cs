namespace ConversationClient;

/// <summary>
/// The names to subscribe to what clients report: the <see cref="System.Diagnostics.ActivitySource"/>, the
/// <see cref="System.Diagnostics.Metrics.Meter"/> and the logger category. The activity, instrument, event and tag
/// names they carry are listed in the README; where OpenTelemetry defines a name (<c>gen_ai.*</c>, <c>http.*</c>,
/// <c>server.*</c>, <c>error.type</c>) it is that one. No name, tag or log entry ever carries the API key, a bearer
/// token or a request body; the <c>user</c> argument only when <see cref="ConversationClientOptions.LogUserId"/> is on.
/// </summary>
public static class ConversationClientDiagnostics
{
    /// <summary>The name of the activity source (OpenTelemetry: <c>AddSource("ConversationClient")</c>).</summary>
    public const string ActivitySourceName = "ConversationClient";

    /// <summary>The name of the meter (OpenTelemetry: <c>AddMeter("ConversationClient")</c>).</summary>
    public const string MeterName = "ConversationClient";

    /// <summary>The category of every log entry the clients write, to set its level (<c>Logging:LogLevel:ConversationClient</c>).</summary>
    public const string LoggerCategory = "ConversationClient";
}
