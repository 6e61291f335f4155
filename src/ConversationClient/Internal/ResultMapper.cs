using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Unicode;
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
    /// Reads a listing page, or throws <see cref="ConversationApiException"/> for an answer that is not one; the
    /// exception's server-supplied text is stored without the call's secrets (<see cref="ServerText"/>).
    /// </summary>
    public static ConversationPage FromListResponse(HttpResponseMessage response, CallState call, ClientSettings settings)
    {
        var verdict = call.Verdict!;
        var serverText = verdict.ServerText;
        var requestId = verdict.RequestId;
        var status = (int)response.StatusCode;
        if (verdict.Error is { } error)
        {
            var statusText = status.ToString(CultureInfo.InvariantCulture);

            // OpenAI's public API has no list operation: its route miss cannot be told from a wrong base address, so
            // the message names both. A 404 about a conversation is the cursor's (deleted meanwhile), not a route miss.
            var message = !response.IsSuccessStatusCode && settings.Dialect == ConversationApiDialect.OpenAI && verdict.Kind != VerdictKind.NotFound
                && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                ? $"The service does not list conversations (HTTP {statusText}): OpenAI's public API has no list operation; Azure AI Foundry's has. " +
                  "With a service that lists, check that the base address ends with /v1."
                : response.IsSuccessStatusCode
                ? $"Listing conversations failed: {error.Message}"
                : $"Listing conversations failed with HTTP {statusText}: {error}";
            throw new ConversationApiException(message, status, error, requestId);
        }

        var body = BufferedContent.BodyOf(response);
        try
        {
            return settings.Dialect == ConversationApiDialect.OpenAI ? ReadOpenAIPage(body.Span) : ReadDifyPage(body.Span);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new ConversationApiException("The service's conversation list could not be read.", status,
                serverText.Clean(new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message, RawBody = ErrorBodyParser.Truncate(body) }),
                requestId, ex);
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

    /// <summary>
    /// Null when a 2xx delete body confirms the deletion of <paramref name="conversationId"/>; else the error to report.
    /// No body (a 204, or a 200 with none) confirms: the status is the service's word. A body must be one JSON object
    /// in valid UTF-8 with each member once; one in either dialect's error envelope (gateways answer errors with 200)
    /// or one that names another conversation confirms nothing. Beyond that, OpenAI's answer confirms only with
    /// <c>"deleted": true</c>, and Dify's only in the forms its versions answer: <c>{"result":"success"}</c>, or the
    /// deleted conversation's fields all null (0.8–0.10).
    /// </summary>
    public static ConversationApiError? ReadDeleteRefusal(HttpResponseMessage response, ConversationApiDialect dialect, string conversationId)
    {
        var body = BufferedContent.BodyOf(response);
        if (IsBlank(body.Span))
        {
            return null;
        }

        if (!TryReadDeleteBody(body.Span, conversationId, out var read))
        {
            // An HTML page from a misrouted proxy, a gateway's "OK", bytes that are not UTF-8, a member given twice
            // ({"deleted":false,"deleted":true}): not an answer of the service that can be trusted.
            return Unconfirmed("The service answered a success status whose body is not one well-formed JSON object of this API " +
                "(valid UTF-8, each member once), so the deletion is not confirmed.", body);
        }

        if (read.IsErrorEnvelope)
        {
            return ErrorBodyParser.TryParseEnvelope(body, out var error)
                ? error
                : Unconfirmed("The service answered a success status with an error body, so the deletion is not confirmed.", body);
        }

        if (read.OtherId is { } otherId)
        {
            return Unconfirmed($"The service's answer names conversation '{otherId}', not '{conversationId}', so the deletion is not confirmed.", body);
        }

        if (read.Deleted == false)
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = "The service answered 'deleted': false.",
            };
        }

        if (read.Result is { } result && !string.Equals(result, "success", StringComparison.OrdinalIgnoreCase))
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = $"The service answered 'result': '{result}'.",
            };
        }

        if (dialect == ConversationApiDialect.OpenAI)
        {
            return read.Deleted == true
                ? null
                : Unconfirmed("The service answered a success status with a JSON object that does not say \"deleted\": true, so the deletion is not confirmed.", body);
        }

        var legacySuccess = read.Result is not null && read.Members == 1;
        var nullFields = read.Members > 0 && read.AllNull;
        return legacySuccess || nullFields
            ? null
            : Unconfirmed("The service answered a success status with a JSON object that is none of Dify's delete answers " +
                "(no body, {\"result\":\"success\"}, or the deleted conversation's fields all null), so the deletion is not confirmed.", body);
    }

    private static ConversationApiError Unconfirmed(string message, ReadOnlyMemory<byte> body) => new()
    {
        Code = ConversationApiError.UnexpectedResponseCode,
        Message = message,
        RawBody = ErrorBodyParser.Truncate(body),
    };

    /// <summary>The most members a 2xx delete body may have: OpenAI's has three, Dify's null-field form seven.</summary>
    private const int MaxDeleteBodyMembers = 32;

    /// <summary>
    /// Reads the top-level members of a 2xx delete body that tell what it says. False when the body is not valid
    /// UTF-8, not one JSON object, holds a member twice (escaped or not), or a known member has the wrong type.
    /// A forward-only reader: a body without escaped member names or another conversation's id allocates nothing.
    /// </summary>
    private static bool TryReadDeleteBody(ReadOnlySpan<byte> body, string conversationId, out DeleteBody read)
    {
        read = new DeleteBody { AllNull = true };

        // The reader checks the UTF-8 of only the values it is asked for; a skipped string can hold anything.
        if (!Utf8.IsValid(body))
        {
            return false;
        }

        Span<Range> names = stackalloc Range[MaxDeleteBodyMembers];
        var plainNames = 0;
        List<string>? escapedNames = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (read.Members == MaxDeleteBodyMembers || SeenBefore(ref reader, body, names[..plainNames], escapedNames))
                {
                    return false;
                }

                if (reader.ValueIsEscaped)
                {
                    (escapedNames ??= []).Add(reader.GetString()!);
                }
                else
                {
                    var start = (int)reader.TokenStartIndex + 1;
                    names[plainNames++] = start..(start + reader.ValueSpan.Length);
                }

                read.Members++;
                var member = reader.ValueTextEquals("deleted"u8) ? Member.Deleted
                    : reader.ValueTextEquals("result"u8) ? Member.Result
                    : reader.ValueTextEquals("id"u8) ? Member.Id
                    : reader.ValueTextEquals("error"u8) ? Member.Error
                    : reader.ValueTextEquals("code"u8) || reader.ValueTextEquals("message"u8) ? Member.DifyError
                    : Member.Other;
                reader.Read();
                var token = reader.TokenType;
                read.AllNull &= token == JsonTokenType.Null;
                switch (member)
                {
                    case Member.Deleted when token is JsonTokenType.True or JsonTokenType.False:
                        read.Deleted = token == JsonTokenType.True;
                        break;
                    case Member.Result when token == JsonTokenType.String:
                        read.Result = reader.GetString();
                        break;
                    case Member.Id when token == JsonTokenType.String:
                        read.OtherId = reader.ValueTextEquals(conversationId) ? null : reader.GetString();
                        break;
                    case Member.Deleted or Member.Result or Member.Id when token != JsonTokenType.Null:
                        return false;
                    case Member.Error when token is JsonTokenType.StartObject or JsonTokenType.String:
                    case Member.DifyError:
                        // The shapes ErrorBodyParser reads as an envelope.
                        read.IsErrorEnvelope = true;
                        break;
                }

                reader.Skip();
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

    /// <summary>Whether the member name at <paramref name="reader"/> (compared unescaped) came earlier in the object.</summary>
    private static bool SeenBefore(ref Utf8JsonReader reader, scoped ReadOnlySpan<byte> body, scoped ReadOnlySpan<Range> names, List<string>? escapedNames)
    {
        foreach (var name in names)
        {
            if (reader.ValueTextEquals(body[name]))
            {
                return true;
            }
        }

        for (var i = 0; i < (escapedNames?.Count ?? 0); i++)
        {
            if (reader.ValueTextEquals(escapedNames![i]))
            {
                return true;
            }
        }

        return false;
    }

    private enum Member
    {
        Other,
        Deleted,
        Result,
        Id,
        Error,
        DifyError,
    }

    /// <summary>What <see cref="TryReadDeleteBody"/> found.</summary>
    private struct DeleteBody
    {
        /// <summary><c>deleted</c>: true, false, or null when absent or null.</summary>
        public bool? Deleted;

        /// <summary><c>result</c> when it is a string.</summary>
        public string? Result;

        /// <summary><c>id</c> when it is a string that is not the conversation's.</summary>
        public string? OtherId;

        /// <summary>Whether the body is in an error envelope of either dialect (<c>error</c>, or <c>code</c>/<c>message</c> at the top).</summary>
        public bool IsErrorEnvelope;

        public int Members;

        /// <summary>Whether every member's value is null.</summary>
        public bool AllNull;
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}
