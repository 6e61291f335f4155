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
    public static PageRead<ConversationPage> FromListResponse(HttpResponseMessage response, CallState call, ClientSettings settings)
    {
        var verdict = call.Verdict!;
        if (verdict.Error is { } error)
        {
            // A 404 about a conversation is the cursor's (deleted meanwhile), not a route miss.
            var routeMiss = response.IsSuccessStatusCode || verdict.Kind == VerdictKind.NotFound ? null : settings.DialectRules.ListRouteMissMessage(response.StatusCode);
            return PageRead<ConversationPage>.Failed(Failure("Listing conversations", response, verdict, error, routeMiss), gone: verdict.Kind == VerdictKind.NotFound);
        }

        var body = BufferedContent.BodyOf(response);
        try
        {
            return PageRead<ConversationPage>.Read(settings.DialectRules.ReadPage(body.Span));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return PageRead<ConversationPage>.Failed(Unreadable("The service's conversation list could not be read.", response, verdict, body, ex));
        }
    }

    /// <summary>
    /// Reads a page of the items of <paramref name="conversationId"/>; an answer that is not one is a failed read, the
    /// conversation gone when the service says it does not exist (its error's code then <see cref="ConversationApiError.NotFoundCode"/>).
    /// </summary>
    public static PageRead<ItemPage> FromItemPageResponse(string conversationId, HttpResponseMessage response, CallState call, ClientSettings settings) =>
        FromPageResponse(ReadingItemsOf(conversationId), response, call, body => settings.DialectRules.ReadItemPage(body, conversationId));

    /// <summary>Reads a page of the stored responses of <paramref name="conversationId"/>, as <see cref="FromItemPageResponse"/> reads items.</summary>
    public static PageRead<ResponsePage> FromResponsePageResponse(string conversationId, HttpResponseMessage response, CallState call, ClientSettings settings) =>
        FromPageResponse(ListingResponsesOf(conversationId), response, call, body => settings.DialectRules.ReadResponsePage(body, conversationId));

    /// <summary>What a read of a conversation's item page is called in its failure's message.</summary>
    public static string ReadingItemsOf(string conversationId) => $"Reading the items of conversation '{conversationId}'";

    /// <summary>What a read of a conversation's stored-response page is called in its failure's message.</summary>
    public static string ListingResponsesOf(string conversationId) => $"Listing the stored responses of conversation '{conversationId}'";

    /// <summary>A page read that got no answer: "<paramref name="what"/> failed", with the transport failure mapped (<see cref="ErrorFromException"/>).</summary>
    public static PageRead<TPage> PageFromException<TPage>(string what, Exception failure, CallState call)
        where TPage : class
    {
        var error = ErrorFromException(failure, call);
        return PageRead<TPage>.Failed(new ConversationApiException($"{what} failed: {error.Message}", null, error, null, failure));
    }

    /// <summary>Reads a page of a dialect's page shape (throws <see cref="JsonException"/> for a body that is not one).</summary>
    private delegate TPage PageReader<out TPage>(ReadOnlySpan<byte> body);

    /// <summary>
    /// A page of something of one conversation (its items, its stored responses): a failure names <paramref name="what"/>,
    /// is <see cref="PageRead{TPage}.Gone"/> when the service says the conversation does not exist and
    /// <see cref="PageRead{TPage}.NotServed"/> when it answers that it has no such endpoint (a 404 about the address, a 405).
    /// </summary>
    private static PageRead<TPage> FromPageResponse<TPage>(string what, HttpResponseMessage response, CallState call, PageReader<TPage> read)
        where TPage : class
    {
        var verdict = call.Verdict!;
        if (verdict.Error is { } error)
        {
            var gone = verdict.Kind == VerdictKind.NotFound;
            var notServed = verdict.Kind == VerdictKind.EndpointMissing || response.StatusCode == HttpStatusCode.MethodNotAllowed;
            return PageRead<TPage>.Failed(Failure(what, response, verdict, gone ? NotFound(error) : error, routeMiss: null), gone: gone, notServed: notServed);
        }

        var body = BufferedContent.BodyOf(response);
        try
        {
            return PageRead<TPage>.Read(read(body.Span));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return PageRead<TPage>.Failed(Unreadable($"{what} failed: the service's page could not be read.", response, verdict, body, ex));
        }
    }

    /// <summary>The failure of a page request that got an answer other than a page.</summary>
    private static ConversationApiException Failure(string what, HttpResponseMessage response, Verdict verdict, ConversationApiError error, string? routeMiss)
    {
        var status = (int)response.StatusCode;
        var message = routeMiss ?? (response.IsSuccessStatusCode
            ? $"{what} failed: {error.Message}"
            : $"{what} failed with HTTP {status.ToString(CultureInfo.InvariantCulture)}: {error}");
        return new ConversationApiException(message, status, error, verdict.RequestId);
    }

    /// <summary>The failure of a 2xx page that cannot be read: the reader's message and the start of the body, without the call's secrets.</summary>
    private static ConversationApiException Unreadable(string message, HttpResponseMessage response, Verdict verdict, ReadOnlyMemory<byte> body, Exception ex) =>
        new(message, (int)response.StatusCode,
            verdict.ServerText.Clean(new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message, RawBody = ErrorBodyParser.Truncate(body) }),
            verdict.RequestId, ex);

    /// <summary>The service's word that a conversation does not exist, under <see cref="ConversationApiError.NotFoundCode"/> whatever code it gave (OpenAI gives none).</summary>
    private static ConversationApiError NotFound(ConversationApiError error) => new()
    {
        Code = ConversationApiError.NotFoundCode,
        Message = error.Message,
        Param = error.Param,
        Type = error.Type,
        Details = error.Details,
        AdditionalInfo = error.AdditionalInfo,
        DebugInfo = error.DebugInfo,
        RawBody = error.RawBody,
    };

    /// <summary>The result of a call about one conversation or item (an item delete, a get) that got an answer, from its <see cref="Verdict"/>.</summary>
    public static CallResult FromCallResponse(HttpResponseMessage response, CallState call)
    {
        var verdict = call.Verdict!;
        return new CallResult
        {
            Outcome = verdict.Kind switch
            {
                VerdictKind.Succeeded => CallOutcome.Succeeded,
                VerdictKind.NotFound => CallOutcome.NotFound,
                _ => CallOutcome.Failed,
            },
            Error = verdict.Error,
            StatusCode = (int)response.StatusCode,
            Attempts = call.Attempts,
            RequestId = verdict.RequestId,
        };
    }

    /// <summary>The result of a call about one conversation or item that got no answer.</summary>
    public static CallResult FromCallException(Exception exception, CallState call) => new()
    {
        Outcome = CallOutcome.Failed,
        StatusCode = call.LastRefused ? (int)HttpStatusCode.TooManyRequests : null,
        Attempts = call.Attempts,
        Error = ErrorFromException(exception, call),
    };

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

    /// <summary>The error of a success answer whose body was cut off at <paramref name="limit"/> bytes (<see cref="ResponseBuffering.MaxSuccessBodyBytesFor"/>).</summary>
    public static ConversationApiError TooLarge(int limit) => new()
    {
        Code = ConversationApiError.ResponseTooLargeCode,
        Message = $"The service's answer was longer than the {(limit / 1024).ToString(CultureInfo.InvariantCulture)} KiB the client reads; it is not an answer of this API.",
    };

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}
