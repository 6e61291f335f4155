using Microsoft.Extensions.Logging;

namespace ConversationClient.Internal;

/// <summary>
/// Every log entry the clients write, source generated: nothing is formatted or allocated unless the level is enabled.
/// The <c>WithUser</c> variants are used only when <see cref="ConversationClientOptions.LogUserId"/> is on.
/// </summary>
internal static partial class ConversationLog
{
    [LoggerMessage(EventId = TelemetryNames.DeleteStartedEventId, EventName = "DeleteStarted", Level = LogLevel.Debug,
        Message = "Deleting conversation {ConversationId} on {Dialect} {ServerAddress}")]
    public static partial void DeleteStarted(ILogger logger, string conversationId, string dialect, string serverAddress);

    [LoggerMessage(EventId = TelemetryNames.DeleteFinishedEventId, EventName = "DeleteFinished", Level = LogLevel.Information,
        Message = "Deleting conversation {ConversationId} on {Dialect} {ServerAddress} ended {Outcome} with HTTP {StatusCode} after {Attempts} attempt(s) in {DurationMs} ms; request id {RequestId}, client request id {ClientRequestId}")]
    public static partial void DeleteFinished(ILogger logger, string conversationId, string dialect, string serverAddress,
        DeleteConversationOutcome outcome, int? statusCode, int attempts, double durationMs, string? requestId, string? clientRequestId);

    [LoggerMessage(EventId = TelemetryNames.DeleteFailedEventId, EventName = "DeleteFailed", Level = LogLevel.Warning,
        Message = "Deleting conversation {ConversationId} on {Dialect} {ServerAddress} failed with HTTP {StatusCode} and error {ErrorCode} after {Attempts} attempt(s) in {DurationMs} ms; request id {RequestId}, client request id {ClientRequestId}")]
    public static partial void DeleteFailed(ILogger logger, Exception? exception, string conversationId, string dialect, string serverAddress,
        int? statusCode, string? errorCode, int attempts, double durationMs, string? requestId, string? clientRequestId);

    [LoggerMessage(EventId = TelemetryNames.RetryEventId, EventName = "Retry", Level = LogLevel.Information,
        Message = "Retrying delete of conversation {ConversationId} on {Dialect} {ServerAddress}: attempt {Attempt} failed with {RetryReason}; next attempt in {DelayMs} ms (delay from server: {DelayFromServer})")]
    public static partial void Retry(ILogger logger, string conversationId, string dialect, string serverAddress,
        int attempt, string retryReason, double delayMs, bool delayFromServer);

    [LoggerMessage(EventId = TelemetryNames.DeleteAbortedEventId, EventName = "DeleteAborted", Level = LogLevel.Debug,
        Message = "Deleting conversation {ConversationId} on {Dialect} {ServerAddress} was abandoned with {ExceptionType} after {Attempts} attempt(s) in {DurationMs} ms")]
    public static partial void DeleteAborted(ILogger logger, string conversationId, string dialect, string serverAddress,
        string exceptionType, int attempts, double durationMs);

    /// <summary>
    /// The variants that also name the user, for <see cref="ConversationClientOptions.LogUserId"/>: same event ids and
    /// names, a template with <c>{User}</c>. A class of their own because the generator allows one method per event name.
    /// </summary>
    public static partial class WithUser
    {
        [LoggerMessage(EventId = TelemetryNames.DeleteStartedEventId, EventName = "DeleteStarted", Level = LogLevel.Debug,
            Message = "Deleting conversation {ConversationId} of user {User} on {Dialect} {ServerAddress}")]
        public static partial void DeleteStarted(ILogger logger, string conversationId, string? user, string dialect, string serverAddress);

        [LoggerMessage(EventId = TelemetryNames.DeleteFinishedEventId, EventName = "DeleteFinished", Level = LogLevel.Information,
            Message = "Deleting conversation {ConversationId} of user {User} on {Dialect} {ServerAddress} ended {Outcome} with HTTP {StatusCode} after {Attempts} attempt(s) in {DurationMs} ms; request id {RequestId}, client request id {ClientRequestId}")]
        public static partial void DeleteFinished(ILogger logger, string conversationId, string? user, string dialect, string serverAddress,
            DeleteConversationOutcome outcome, int? statusCode, int attempts, double durationMs, string? requestId, string? clientRequestId);

        [LoggerMessage(EventId = TelemetryNames.DeleteFailedEventId, EventName = "DeleteFailed", Level = LogLevel.Warning,
            Message = "Deleting conversation {ConversationId} of user {User} on {Dialect} {ServerAddress} failed with HTTP {StatusCode} and error {ErrorCode} after {Attempts} attempt(s) in {DurationMs} ms; request id {RequestId}, client request id {ClientRequestId}")]
        public static partial void DeleteFailed(ILogger logger, Exception? exception, string conversationId, string? user, string dialect, string serverAddress,
            int? statusCode, string? errorCode, int attempts, double durationMs, string? requestId, string? clientRequestId);
    }
}
