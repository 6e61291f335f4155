using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

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
        if (TryParseEnvelope(body, out var error))
        {
            return error;
        }

        var status = (int)response.StatusCode;
        var fallback = response.StatusCode == HttpStatusCode.NotFound
            ? ConversationApiError.NotFoundCode
            : ConversationApiError.HttpErrorCode;
        var message = $"The service answered HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd() + ".";
        return new ConversationApiError
        {
            Code = fallback,
            Message = message,
            RawBody = Truncate(body),
        };
    }

    /// <summary>A bounded text copy of a body (at most <see cref="ResponseBuffering.MaxErrorBodyBytes"/> bytes); null when empty.</summary>
    public static string? Truncate(ReadOnlyMemory<byte> body) =>
        body.IsEmpty ? null : Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, ResponseBuffering.MaxErrorBodyBytes)]);

    /// <summary>Parses a known error envelope; false for anything else (empty, not JSON, another shape).</summary>
    public static bool TryParseEnvelope(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversationApiError? error)
    {
        error = null;
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
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
                    return true;
                }

                if (inner.ValueKind == JsonValueKind.String)
                {
                    error = new ConversationApiError { Message = inner.GetString(), Code = Text(root, "code") };
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
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

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
