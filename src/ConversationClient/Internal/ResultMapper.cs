using System.Globalization;
using System.Net;
using System.Text.Json;
using ConversationClient.Http;
using Polly.Timeout;

namespace ConversationClient.Internal;

/// <summary>The one place where HTTP responses and transport failures of either dialect become results.</summary>
internal static class ResultMapper
{
    public static DeleteConversationResult FromDeleteResponse(string conversationId, HttpResponseMessage response, ConversationApiDialect dialect,
        RequestState state, TimeProvider timeProvider)
    {
        var status = (int)response.StatusCode;
        var requestId = GetRequestId(response);
        if (response.IsSuccessStatusCode)
        {
            var refusal = BufferedContent.IsTruncated(response) ? TooLarge() : ReadDeleteRefusal(response);
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

        var conversationMissing = false;
        var error = response.StatusCode == HttpStatusCode.NotFound
            ? ErrorBodyParser.ParseNotFound(response, dialect, conversationId, out conversationMissing)
            : ErrorBodyParser.Parse(response);
        if (conversationMissing)
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

    /// <summary>Reads a listing page; an answer that is not one is a failed read (a 404 about a conversation: the cursor is gone).</summary>
    public static PageRead FromListResponse(HttpResponseMessage response, ConversationApiDialect dialect)
    {
        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            var conversationMissing = false;
            var error = response.StatusCode == HttpStatusCode.NotFound
                ? ErrorBodyParser.ParseNotFound(response, dialect, null, out conversationMissing)
                : ErrorBodyParser.Parse(response);
            var statusText = status.ToString(CultureInfo.InvariantCulture);

            // OpenAI's public API has no list operation: its route miss cannot be told from a wrong base address, so
            // the message names both. A 404 about a conversation is the cursor's (deleted meanwhile), not a route miss.
            var message = dialect == ConversationApiDialect.OpenAI && !conversationMissing
                && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                ? $"The service does not list conversations (HTTP {statusText}): OpenAI's public API has no list operation; Azure AI Foundry's has. " +
                  "With a service that lists, check that the base address ends with /v1."
                : $"Listing conversations failed with HTTP {statusText}: {error}";
            return PageRead.Failed(new ConversationApiException(message, status, error, GetRequestId(response)), cursorGone: conversationMissing);
        }

        if (BufferedContent.IsTruncated(response))
        {
            var error = TooLarge();
            return PageRead.Failed(new ConversationApiException($"Listing conversations failed: {error.Message}", status, error, GetRequestId(response)));
        }

        var body = BufferedContent.BodyOf(response);
        try
        {
            return PageRead.Listed(dialect == ConversationApiDialect.OpenAI ? ReadOpenAIPage(body.Span) : ReadDifyPage(body.Span));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return PageRead.Failed(new ConversationApiException("The service's conversation list could not be read.", status,
                new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message, RawBody = ErrorBodyParser.Truncate(body) },
                GetRequestId(response), ex));
        }
    }

    private static ConversationPage ReadOpenAIPage(ReadOnlySpan<byte> body)
    {
        var page = JsonSerializer.Deserialize(body, ConversationJsonContext.Default.OpenAIConversationList)
            ?? throw new JsonException("The body is null.");
        var items = new List<ConversationSummary>(page.Data?.Count ?? 0);
        foreach (var item in page.Data ?? [])
        {
            items.Add(new ConversationSummary
            {
                Id = item.Id ?? throw new JsonException("A conversation has no id."),
                CreatedAt = FromUnixSeconds(item.CreatedAt),
                Metadata = item.Metadata ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
            });
        }

        return new ConversationPage(items, page.HasMore, page.LastId ?? (items.Count > 0 ? items[^1].Id : null));
    }

    private static ConversationPage ReadDifyPage(ReadOnlySpan<byte> body)
    {
        var page = JsonSerializer.Deserialize(body, ConversationJsonContext.Default.DifyConversationList)
            ?? throw new JsonException("The body is null.");
        var items = new List<ConversationSummary>(page.Data?.Count ?? 0);
        foreach (var item in page.Data ?? [])
        {
            items.Add(new ConversationSummary
            {
                Id = item.Id ?? throw new JsonException("A conversation has no id."),
                Name = item.Name,
                CreatedAt = FromUnixSeconds(item.CreatedAt),
                UpdatedAt = FromUnixSeconds(item.UpdatedAt),
            });
        }

        return new ConversationPage(items, page.HasMore, items.Count > 0 ? items[^1].Id : null);
    }

    // A value out of range (milliseconds sent as seconds, say) is reported as unknown rather than failing the page.
    private static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is { } s && s >= MinUnixSeconds && s <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Whether an exception from sending is a failure to report as a result (not a bug or the caller's cancellation).</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or TimeoutRejectedException or CredentialUnavailableException or OperationCanceledException
            or RedirectFollowedException or BatchGaveUpException;

    public static DeleteConversationResult FromException(string conversationId, Exception exception, RequestState state) => new()
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

    public static ConversationApiError ErrorFromException(Exception exception, RequestState state) => exception switch
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
    private static ConversationApiError TooLarge() => new()
    {
        Code = ConversationApiError.ResponseTooLargeCode,
        Message = $"The service's answer was longer than the {(ResponseBuffering.MaxSuccessBodyBytes / 1024).ToString(CultureInfo.InvariantCulture)} KiB the client reads; it is not an answer of this API.",
    };

    /// <summary>Null when a 2xx delete body confirms (or does not deny) the deletion; else the error to report.</summary>
    private static ConversationApiError? ReadDeleteRefusal(HttpResponseMessage response)
    {
        var body = BufferedContent.BodyOf(response);
        if (IsBlank(body.Span))
        {
            // No body (a 204, or a 200 with none): the status is the service's word.
            return null;
        }

        if (!TryReadDeleteBody(body.Span, out var deleted, out var result))
        {
            // Both dialects answer a JSON object. Anything else (an HTML page from a misrouted proxy, a gateway's
            // "OK") is not the service's answer, so it does not confirm the deletion.
            return new ConversationApiError
            {
                Code = ConversationApiError.UnexpectedResponseCode,
                Message = "The service answered a success status whose body is not a JSON object of this API, so the deletion is not confirmed.",
                RawBody = ErrorBodyParser.Truncate(body),
            };
        }

        if (deleted == false)
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = "The service answered 'deleted': false.",
            };
        }

        if (result is not null && !string.Equals(result, "success", StringComparison.OrdinalIgnoreCase))
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = $"The service answered 'result': '{result}'.",
            };
        }

        return null;
    }

    /// <summary>
    /// Reads what a 2xx delete body can say, in either dialect: OpenAI's
    /// <c>{"id","object":"conversation.deleted","deleted":true}</c>, old Dify servers' <c>{"result":"success"}</c>, or
    /// Dify 0.8–0.10's object of null conversation fields (neither member). False when the body is not one JSON object
    /// or a member has the wrong type. A forward-only reader: the success path allocates nothing.
    /// </summary>
    private static bool TryReadDeleteBody(ReadOnlySpan<byte> body, out bool? deleted, out string? result)
    {
        deleted = null;
        result = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("deleted"u8))
                {
                    reader.Read();
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.True: deleted = true; break;
                        case JsonTokenType.False: deleted = false; break;
                        case JsonTokenType.Null: deleted = null; break;
                        default: return false;
                    }
                }
                else if (reader.ValueTextEquals("result"u8))
                {
                    reader.Read();
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String: result = reader.GetString(); break;
                        case JsonTokenType.Null: result = null; break;
                        default: return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Only whitespace may follow the object; anything else makes the reader throw.
            return !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 once unescaped.
            return false;
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}
