using System.Globalization;
using System.Net;
using System.Text.Json;
using ConversationClient.Http;
using ConversationClient.Pipeline;
using Polly.Timeout;

namespace ConversationClient.Internal;

/// <summary>The one place where HTTP responses and transport failures of either dialect become results.</summary>
internal static class ResultMapper
{
    /// <summary>
    /// The result of a delete that got an answer, from the answer's <see cref="Verdict"/>. Every server-supplied string
    /// on it (the error's members, the raw body, the request id) is stored without the call's secrets (<see cref="ServerText"/>).
    /// </summary>
    public static DeleteConversationResult FromDeleteResponse(string conversationId, HttpResponseMessage response, CallState call)
    {
        var verdict = call.Verdict!;
        var status = (int)response.StatusCode;
        return new DeleteConversationResult
        {
            ConversationId = conversationId,
            Outcome = verdict.Kind switch
            {
                VerdictKind.Succeeded => DeleteConversationOutcome.Deleted,
                VerdictKind.NotFound => DeleteConversationOutcome.NotFound,
                _ => DeleteConversationOutcome.Failed,
            },
            StatusCode = status,
            Error = verdict.Error,
            Attempts = call.Attempts,
            RequestId = verdict.RequestId,
            NotFoundAfterRetry = verdict.Kind == VerdictKind.NotFound && call.Attempts > 1,
            RetryAfter = verdict.Kind == VerdictKind.NotFound ? null : verdict.ServerDelay,
        };
    }

    /// <summary>
    /// Reads a listing page; an answer that is not one is a failed read (a 404 about a conversation: the cursor is
    /// gone), whose server-supplied text is stored without the call's secrets (<see cref="ServerText"/>).
    /// </summary>
    public static PageRead FromListResponse(HttpResponseMessage response, CallState call, ClientSettings settings)
    {
        var verdict = call.Verdict!;
        var serverText = verdict.ServerText;
        var requestId = verdict.RequestId;
        var status = (int)response.StatusCode;
        if (verdict.Error is { } error)
        {
            var statusText = status.ToString(CultureInfo.InvariantCulture);

            // A 404 about a conversation is the cursor's (deleted meanwhile), not a route miss.
            var message = (response.IsSuccessStatusCode || verdict.Kind == VerdictKind.NotFound ? null : settings.DialectRules.ListRouteMissMessage(response.StatusCode))
                ?? (response.IsSuccessStatusCode
                    ? $"Listing conversations failed: {error.Message}"
                    : $"Listing conversations failed with HTTP {statusText}: {error}");
            return PageRead.Failed(new ConversationApiException(message, status, error, requestId), cursorGone: verdict.Kind == VerdictKind.NotFound);
        }

        var body = BufferedContent.BodyOf(response);
        try
        {
            return PageRead.Listed(settings.DialectRules.ReadPage(body.Span));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return PageRead.Failed(new ConversationApiException("The service's conversation list could not be read.", status,
                serverText.Clean(new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message, RawBody = ErrorBodyParser.Truncate(body) }),
                requestId, ex));
        }
    }

    /// <summary>Whether an exception from sending is a failure to report as a result (not a bug or the caller's cancellation).</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or TimeoutRejectedException or CredentialUnavailableException or OperationCanceledException
            or RedirectFollowedException or BatchGaveUpException;

    public static DeleteConversationResult FromException(string conversationId, Exception exception, CallState state) => new()
    {
        ConversationId = conversationId,
        Outcome = DeleteConversationOutcome.Failed,
        // A batch's call that ended while its last answer was a refusal: that answer is the last response.
        StatusCode = state.LastRefused ? (int)HttpStatusCode.TooManyRequests : null,
        Attempts = state.Attempts,
        Error = ErrorFromException(exception, state),
    };

    /// <summary>The result of a batch's delete that was not sent because the batch gave up (<see cref="BatchPacer"/>).</summary>
    public static DeleteConversationResult NotSent(string conversationId, BatchPacer pacer) => new()
    {
        ConversationId = conversationId,
        Outcome = DeleteConversationOutcome.Failed,
        Error = RateLimited(BatchGaveUpException.Describe(pacer.RefusingFor) + " This conversation was not sent."),
    };

    /// <summary>The <c>rate_limited</c> error with <paramref name="message"/>.</summary>
    public static ConversationApiError RateLimited(string message) => new()
    {
        Code = ConversationApiError.RateLimitedCode,
        Message = message,
    };

    public static ConversationApiError ErrorFromException(Exception exception, CallState state) => exception switch
    {
        BatchGaveUpException => RateLimited($"{exception.Message} This conversation was not deleted ({Plural(state.Attempts, "attempt")} refused)."),
        TimeoutRejectedException or OperationCanceledException when state.LastRefused => RateLimited(
            $"The service refused the delete (429 Too Many Requests) until the call's total timeout ran out ({Plural(state.Attempts, "attempt")}); it was not deleted."),
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
        RedirectFollowedException => new ConversationApiError
        {
            Code = ConversationApiError.UnexpectedResponseCode,
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

    /// <summary>The error of a success answer whose body was cut off at <see cref="ResponseBuffering.MaxSuccessBodyBytes"/>.</summary>
    public static ConversationApiError TooLarge() => new()
    {
        Code = ConversationApiError.ResponseTooLargeCode,
        Message = $"The service's answer was longer than the {(ResponseBuffering.MaxSuccessBodyBytes / 1024).ToString(CultureInfo.InvariantCulture)} KiB the client reads; it is not an answer of this API.",
    };

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}
