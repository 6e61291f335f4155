using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ConversationClient.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using D = ConversationClient.Internal.TelemetryNames;

namespace ConversationClient.Internal;

/// <summary>
/// Logs, traces and metrics of one client. With nobody listening it costs a few checks per call: activities are
/// started only when the source has listeners, measurements are taken only for enabled instruments, and log entries
/// are formatted only for enabled levels. Never records a credential or a request body; the user only when
/// <see cref="ClientSettings.LogUserId"/> is on.
/// </summary>
internal sealed class ConversationTelemetry
{
    internal static readonly ActivitySource Source = new(D.ActivitySourceName, Version);
    internal static readonly Meter Meter = new(D.MeterName, Version);

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>(D.CallsInstrumentName, "{call}", "Delete calls that finished, by outcome.");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(D.RetriesInstrumentName, "{retry}", "HTTP attempts that failed and were retried, by reason.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram(D.CallDurationInstrumentName, "s",
        "Duration of delete calls, all attempts and waits together.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60] });

    private readonly ILogger _logger;
    private readonly bool _logUserId;
    private readonly string _dialect;
    private readonly string _provider;
    private readonly string _serverAddress;
    private readonly int _serverPort;

    public ConversationTelemetry(ClientSettings settings, ILoggerFactory? loggerFactory)
    {
        _logger = loggerFactory?.CreateLogger(D.LoggerCategory) ?? NullLogger.Instance;
        _logUserId = settings.LogUserId;
        _dialect = settings.DialectRules.Name;
        _provider = settings.DialectRules.ProviderName(settings.BaseAddress);
        _serverAddress = settings.BaseAddress.Host;
        _serverPort = settings.BaseAddress.Port;
    }

    private static string? Version => typeof(ConversationTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Starts the call's activity (null when nobody listens) and logs the start.</summary>
    public Activity? DeleteStarted(string conversationId, string? user)
    {
        // The activity first, so that the log entries of the call carry its trace and span ids.
        var activity = Source.HasListeners() ? Source.StartActivity(D.DeleteActivityName, ActivityKind.Client) : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(D.HttpRequestMethodTag, "DELETE");
            activity.SetTag(D.ServerAddressTag, _serverAddress);
            activity.SetTag(D.ServerPortTag, _serverPort);
            activity.SetTag(D.OperationNameTag, D.DeleteOperationName);
            activity.SetTag(D.ProviderNameTag, _provider);
            activity.SetTag(D.DialectTag, _dialect);
            activity.SetTag(D.ConversationIdTag, conversationId);
            if (_logUserId && user is not null)
            {
                activity.SetTag(D.UserTag, user);
            }
        }

        if (_logUserId)
        {
            ConversationLog.WithUser.DeleteStarted(_logger, conversationId, user, _dialect, _serverAddress);
        }
        else
        {
            ConversationLog.DeleteStarted(_logger, conversationId, _dialect, _serverAddress);
        }

        return activity;
    }

    /// <summary>Records a call that ended with a result: tags and stops its activity, logs, and counts it.</summary>
    public void DeleteFinished(Activity? activity, DeleteConversationResult result, string? user, CallState state, TimeSpan duration, Exception? exception)
    {
        var outcome = OutcomeValue(result.Outcome);
        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                if (result.StatusCode is { } status)
                {
                    activity.SetTag(D.HttpResponseStatusCodeTag, status);
                }

                activity.SetTag(D.OutcomeTag, outcome);
                activity.SetTag(D.AttemptsTag, result.Attempts);
                if (result.RequestId is { } requestId)
                {
                    activity.SetTag(D.RequestIdTag, requestId);
                }
            }

            if (result.Outcome == DeleteConversationOutcome.Failed)
            {
                var errorType = result.StatusCode is { } code && code >= 400
                    ? StatusText(code)
                    : result.Error?.Code ?? "_OTHER";
                activity.SetTag(D.ErrorTypeTag, errorType);
                activity.SetStatus(ActivityStatusCode.Error, errorType);
            }
        }

        var durationMs = duration.TotalMilliseconds;
        if (result.Outcome == DeleteConversationOutcome.Failed)
        {
            if (_logUserId)
            {
                ConversationLog.WithUser.DeleteFailed(_logger, exception, result.ConversationId, user, _dialect, _serverAddress,
                    result.StatusCode, result.Error?.Code, result.Attempts, durationMs, result.RequestId, state.ClientRequestId);
            }
            else
            {
                ConversationLog.DeleteFailed(_logger, exception, result.ConversationId, _dialect, _serverAddress,
                    result.StatusCode, result.Error?.Code, result.Attempts, durationMs, result.RequestId, state.ClientRequestId);
            }
        }
        else if (_logUserId)
        {
            ConversationLog.WithUser.DeleteFinished(_logger, result.ConversationId, user, _dialect, _serverAddress,
                result.Outcome, result.StatusCode, result.Attempts, durationMs, result.RequestId, state.ClientRequestId);
        }
        else
        {
            ConversationLog.DeleteFinished(_logger, result.ConversationId, _dialect, _serverAddress,
                result.Outcome, result.StatusCode, result.Attempts, durationMs, result.RequestId, state.ClientRequestId);
        }

        RecordCall(outcome, duration);

        // Stopped last, so that the log entry above carries its trace and span ids.
        activity?.Dispose();
    }

    /// <summary>Records a call that ended in an exception (the caller's cancellation, or a bug): its activity, a Debug entry, and the metrics as <c>canceled</c>.</summary>
    public void DeleteAborted(Activity? activity, string conversationId, Exception exception, CallState state, TimeSpan duration)
    {
        var exceptionType = exception.GetType().FullName ?? exception.GetType().Name;
        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(D.AttemptsTag, state.Attempts);
            }

            activity.SetTag(D.ErrorTypeTag, exceptionType);
            activity.SetStatus(ActivityStatusCode.Error, exceptionType);
        }

        ConversationLog.DeleteAborted(_logger, conversationId, _dialect, _serverAddress, exceptionType, state.Attempts, duration.TotalMilliseconds);
        RecordCall("canceled", duration);
        activity?.Dispose();
    }

    /// <summary>Records that the attempt just made failed and is retried after <paramref name="delay"/>.</summary>
    public void Retrying(CallState state, HttpResponseMessage? response, Exception? exception, TimeSpan delay, bool delayFromServer)
    {
        var reason = response is not null ? StatusText((int)response.StatusCode) : exception?.GetType().Name ?? "unknown";
        var conversationId = state.ConversationId ?? string.Empty;
        ConversationLog.Retry(_logger, conversationId, _dialect, _serverAddress, state.Attempts, reason, delay.TotalMilliseconds, delayFromServer);

        if (state.Activity is { IsAllDataRequested: true } activity)
        {
            activity.AddEvent(new ActivityEvent(D.RetryEventName, tags: new ActivityTagsCollection
            {
                { D.AttemptTag, state.Attempts },
                { D.RetryReasonTag, reason },
                { D.RetryDelayTag, delay.TotalMilliseconds },
                { D.RetryDelayFromServerTag, delayFromServer },
            }));
        }

        if (Retries.Enabled)
        {
            Retries.Add(1,
                new KeyValuePair<string, object?>(D.OperationNameTag, D.DeleteOperationName),
                new KeyValuePair<string, object?>(D.ProviderNameTag, _provider),
                new KeyValuePair<string, object?>(D.DialectTag, _dialect),
                new KeyValuePair<string, object?>(D.RetryReasonTag, reason),
                new KeyValuePair<string, object?>(D.ServerAddressTag, _serverAddress));
        }
    }

    private void RecordCall(string outcome, TimeSpan duration)
    {
        var tags = new TagList
        {
            { D.OperationNameTag, D.DeleteOperationName },
            { D.ProviderNameTag, _provider },
            { D.DialectTag, _dialect },
            { D.OutcomeTag, outcome },
            { D.ServerAddressTag, _serverAddress },
        };
        if (Calls.Enabled)
        {
            Calls.Add(1, tags);
        }

        if (Duration.Enabled)
        {
            Duration.Record(duration.TotalSeconds, tags);
        }
    }

    private static string OutcomeValue(DeleteConversationOutcome outcome) => outcome switch
    {
        DeleteConversationOutcome.Deleted => "deleted",
        DeleteConversationOutcome.NotFound => "not_found",
        _ => "failed",
    };

    /// <summary>The retried statuses as cached strings; any other formatted.</summary>
    private static string StatusText(int status) => status switch
    {
        408 => "408",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };
}
