using System.Net;
using System.Text.Json;
using ConversationClient.Http;
using Polly.Timeout;

namespace ConversationClient.Internal;

/// <summary>The one place where HTTP responses and transport failures of either dialect become results.</summary>
internal static class ResultMapper
{
    public static DeleteConversationResult FromDeleteResponse(string conversationId, HttpResponseMessage response, RequestState state, TimeProvider timeProvider)
    {
        var status = (int)response.StatusCode;
        var requestId = GetRequestId(response);
        if (response.IsSuccessStatusCode)
        {
            var refusal = ReadDeleteRefusal(response);
            return new DeleteConversationResult
            {
                ConversationId = conversationId,
                Outcome = refusal is null ? DeleteConversationOutcome.Deleted : DeleteConversationOutcome.Failed,
                StatusCode = status,
                Error = refusal,
                Attempts = state.Attempts,
                RequestId = requestId,
            };
        }

        var error = ErrorBodyParser.Parse(response);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new DeleteConversationResult
            {
                ConversationId = conversationId,
                Outcome = DeleteConversationOutcome.NotFound,
                StatusCode = status,
                Error = error,
                Attempts = state.Attempts,
                RequestId = requestId,
                NotFoundAfterRetry = state.Attempts > 1,
            };
        }

        return new DeleteConversationResult
        {
            ConversationId = conversationId,
            Outcome = DeleteConversationOutcome.Failed,
            StatusCode = status,
            Error = error,
            Attempts = state.Attempts,
            RequestId = requestId,
            RetryAfter = ServerDelay.TryGet(response, timeProvider.GetUtcNow(), out var wait) ? wait : null,
        };
    }

    /// <summary>Whether an exception from sending is a failure to report as a result (not a bug or the caller's cancellation).</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or TimeoutRejectedException or CredentialUnavailableException or OperationCanceledException;

    public static DeleteConversationResult FromException(string conversationId, Exception exception, RequestState state) => new()
    {
        ConversationId = conversationId,
        Outcome = DeleteConversationOutcome.Failed,
        Attempts = state.Attempts,
        Error = ErrorFromException(exception, state),
    };

    public static ConversationApiError ErrorFromException(Exception exception, RequestState state) => exception switch
    {
        TimeoutRejectedException or OperationCanceledException => new ConversationApiError
        {
            Code = ConversationApiError.TimeoutCode,
            Message = $"The call timed out after {Plural(state.Attempts, "attempt")}.",
        },
        CredentialUnavailableException => new ConversationApiError
        {
            Code = ConversationApiError.CredentialUnavailableCode,
            Message = exception.Message,
        },
        _ => new ConversationApiError
        {
            Code = ConversationApiError.ConnectionFailedCode,
            Message = $"The service could not be reached or the connection broke after {Plural(state.Attempts, "attempt")}: {exception.Message}",
        },
    };

    public static string? GetRequestId(HttpResponseMessage response)
    {
        var headers = response.Headers.NonValidated;
        if (headers.TryGetValues("x-request-id", out var id) || headers.TryGetValues("apim-request-id", out id))
        {
            return id.ToString();
        }

        return null;
    }

    /// <summary>Null when a 2xx delete body confirms (or does not deny) the deletion; else the error to report.</summary>
    private static ConversationApiError? ReadDeleteRefusal(HttpResponseMessage response)
    {
        var body = response.Content is BufferedContent buffered ? buffered.Body : ReadOnlyMemory<byte>.Empty;
        if (body.IsEmpty)
        {
            return null;
        }

        DeleteResponseBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body.Span, ConversationJsonContext.Default.DeleteResponseBody);
        }
        catch (JsonException)
        {
            // A 2xx whose body is not JSON: the status is the service's word.
            return null;
        }

        if (parsed?.Deleted == false)
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = "The service answered 'deleted': false.",
            };
        }

        if (parsed?.Result is { } result && !string.Equals(result, "success", StringComparison.OrdinalIgnoreCase))
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = $"The service answered 'result': '{result}'.",
            };
        }

        return null;
    }

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}
