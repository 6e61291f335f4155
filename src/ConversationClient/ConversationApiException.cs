namespace ConversationClient;

/// <summary>
/// Thrown by <see cref="DeleteConversationResult.EnsureSuccess"/> (and by operations that cannot return a result)
/// when the service did not do what was asked. Carries the result when there is one.
/// </summary>
public sealed class ConversationApiException : Exception
{
    /// <summary>Initializes a new instance from a result that is not a success (<see cref="DeleteConversationResult.EnsureSuccess"/>).</summary>
    /// <param name="result">The result; its outcome, status, error and request id make the message.</param>
    internal ConversationApiException(DeleteConversationResult result)
        : base(FormatMessage(result ?? throw new ArgumentNullException(nameof(result))))
    {
        Result = result;
        StatusCode = result.StatusCode;
        Error = result.Error;
        RequestId = result.RequestId;
    }

    /// <summary>
    /// Initializes a new instance with a message and the service's answer. The client throws it; the constructor is
    /// public so that tests can fake a client that does (a listing that fails, say).
    /// </summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status code, when a response arrived.</param>
    /// <param name="error">The service's error, when one was parsed.</param>
    /// <param name="requestId">The service's request id, when given.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ConversationApiException(string message, int? statusCode = null, ConversationApiError? error = null,
        string? requestId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
        RequestId = requestId;
    }

    /// <summary>Gets the delete result this exception was made from, if any.</summary>
    public DeleteConversationResult? Result { get; }

    /// <summary>Gets the HTTP status code, when a response arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the service's error, when there is one.</summary>
    public ConversationApiError? Error { get; }

    /// <summary>Gets the service's request id, when given.</summary>
    public string? RequestId { get; }

    private static string FormatMessage(DeleteConversationResult result)
    {
        var message = $"Deleting conversation '{result.ConversationId}' ended {result.Outcome}";
        if (result.StatusCode is { } status)
        {
            message += $" with HTTP {status}";
        }

        if (result.Error?.ToString() is { Length: > 0 } error)
        {
            message += $": {error}";
        }

        if (result.RequestId is { } requestId)
        {
            message += $" (request id {requestId})";
        }

        return message + ".";
    }
}
