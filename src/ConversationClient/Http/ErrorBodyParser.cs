using System.Globalization;
using System.Text;
using System.Text.Json;
using ConversationClient.Dialects;
using ConversationClient.Pipeline;

namespace ConversationClient.Http;

/// <summary>
/// Turns an error body into a <see cref="ConversationApiError"/>: the OpenAI envelope (<c>{"error":{...}}</c>, with
/// Azure's <c>details</c>, <c>additionalInfo</c>, <c>debugInfo</c>), Dify's <c>{"code","message","status","params"}</c>,
/// or anything else kept raw. Never throws.
/// </summary>
internal static class ErrorBodyParser
{
    private const int MaxDepth = 16;

    /// <summary>Parses the error of a non-success response whose body was buffered.</summary>
    public static ConversationApiError Parse(HttpResponseMessage response)
    {
        var body = BufferedContent.BodyOf(response);
        return TryParseEnvelope(body, out var error, out _) ? error : Unparsed(response, body, ConversationApiError.HttpErrorCode);
    }

    /// <summary>
    /// Reads a 404 and tells what it is about: the one place that decides between "this conversation does not exist"
    /// (<paramref name="conversationMissing"/> true, the service's error) and "this address is not served" (false, an
    /// error made here). A 404 is about the conversation only when the dialect's own envelope says so: OpenAI's
    /// <c>{"error":{"message":"Conversation ... not found."}}</c>, Dify's <c>{"code":"not_found","message":"Conversation
    /// Not Exists."}</c>. Anything else - OpenAI's <c>Invalid URL (...)</c>, a gateway's <c>Resource not found</c>,
    /// Werkzeug's <c>The requested URL was not found</c>, an HTML page, an empty body - is about the address: when
    /// unsure, a false failure gets a second look, while a false "not found" would lose a deletion silently.
    /// </summary>
    /// <param name="response">The 404, its body buffered.</param>
    /// <param name="dialect">The dialect whose envelope and words count.</param>
    /// <param name="call">The call: the operation, and the conversation the request named (null for a listing of conversations).</param>
    /// <param name="conversationMissing">Whether the 404 says the conversation (for an item delete: or the item) does not exist.</param>
    public static ConversationApiError ParseNotFound(HttpResponseMessage response, ConversationDialect dialect, CallState call,
        out bool conversationMissing)
    {
        var body = BufferedContent.BodyOf(response);

        // The message must speak of a conversation (an item delete's, of the item; a response delete's, of the response),
        // in the dialect's own envelope and words; a code alone does not tell.
        if (TryParseEnvelope(body, out var error, out var shape) && error.Message is { } message
            && (message.Contains("conversation", StringComparison.OrdinalIgnoreCase)
                || (call.Operation == CallOperation.DeleteItem && message.Contains("item", StringComparison.OrdinalIgnoreCase))
                || (call.Operation == CallOperation.DeleteResponse && message.Contains("response", StringComparison.OrdinalIgnoreCase)))
            && dialect.SaysConversationMissing(error, shape))
        {
            conversationMissing = true;
            return error;
        }

        conversationMissing = false;
        var raw = Truncate(body);
        return dialect.ExplainRouteMiss(call.Operation, call.ConversationId, raw) ?? new ConversationApiError
        {
            Code = ConversationApiError.EndpointNotFoundCode,
            Message = "The service answered 404 for the address, not for the conversation: it serves no such endpoint. " +
                $"Check that the base address ends with /v1 (for example {dialect.BaseAddressExample}). The service's answer is in RawBody.",
            RawBody = raw,
        };
    }

    private static ConversationApiError Unparsed(HttpResponseMessage response, ReadOnlyMemory<byte> body, string code)
    {
        var status = (int)response.StatusCode;
        var message = $"The service answered HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd() + ".";
        return new ConversationApiError
        {
            Code = code,
            Message = message,
            RawBody = Truncate(body),
        };
    }

    /// <summary>A bounded text copy of a body (at most <see cref="ResponseBuffering.MaxErrorBodyBytes"/> bytes); null when empty.</summary>
    public static string? Truncate(ReadOnlyMemory<byte> body) =>
        body.IsEmpty ? null : Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, ResponseBuffering.MaxErrorBodyBytes)]);

    /// <summary>Parses a known error envelope; false for anything else (empty, not JSON, another shape).</summary>
    public static bool TryParseEnvelope(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversationApiError? error) =>
        TryParseEnvelope(body, out error, out _);

    private static bool TryParseEnvelope(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversationApiError? error,
        out EnvelopeShape shape)
    {
        error = null;
        shape = EnvelopeShape.None;
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            // At most 64 levels deep: JsonDocument's default.
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("error", out var inner))
            {
                if (inner.ValueKind == JsonValueKind.Object)
                {
                    error = FromOpenAIError(inner, 0);
                    shape = EnvelopeShape.OpenAI;
                    return true;
                }

                if (inner.ValueKind == JsonValueKind.String)
                {
                    error = new ConversationApiError { Message = inner.GetString(), Code = Text(root, "code") };
                    shape = EnvelopeShape.ErrorText;
                    return true;
                }
            }

            if (root.TryGetProperty("code", out _) || root.TryGetProperty("message", out _))
            {
                error = new ConversationApiError
                {
                    Code = Text(root, "code"),
                    Message = Text(root, "message"),
                    Param = Text(root, "params") ?? Text(root, "param"),
                };
                shape = EnvelopeShape.Dify;
                return true;
            }

            return false;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 once unescaped (a lone surrogate).
            return false;
        }
    }

    private static ConversationApiError FromOpenAIError(JsonElement element, int depth)
    {
        IReadOnlyList<ConversationApiError> details = [];
        if (depth < MaxDepth && element.TryGetProperty("details", out var detailsElement) && detailsElement.ValueKind == JsonValueKind.Array)
        {
            var list = new List<ConversationApiError>();
            foreach (var item in detailsElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    list.Add(FromOpenAIError(item, depth + 1));
                }
            }

            details = list;
        }

        return new ConversationApiError
        {
            Code = Text(element, "code"),
            Message = Text(element, "message"),
            Param = Text(element, "param") ?? Text(element, "target"),
            Type = Text(element, "type"),
            Details = details,
            AdditionalInfo = Raw(element, "additionalInfo"),
            DebugInfo = Raw(element, "debugInfo"),
        };
    }

    /// <summary>A member as text: strings as they are, numbers and other values as their JSON; null when absent or null.</summary>
    private static string? Text(JsonElement element, string name)
    {
        // An absent member is the default element, whose kind is Undefined.
        _ = element.TryGetProperty(name, out var value);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }

    private static JsonElement? Raw(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.Clone()
            : null;
}
