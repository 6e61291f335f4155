using System.Text.Json;

namespace ConversationClient.Internal;

/// <summary>
/// Keeps the call's secrets out of what a server wrote: proxies and self-hosted servers echo the credential they were
/// sent in their error messages ("Incorrect API key provided: Bearer sk-..."), and that text goes into results,
/// exception messages and logs. Every server-supplied string is stored with the configured API key and the bearer
/// token of the attempt replaced by <see cref="Marker"/>.
/// </summary>
internal readonly struct ServerText
{
    /// <summary>What stands where a secret was.</summary>
    public const string Marker = "[redacted]";

    private const string BearerPrefix = "Bearer ";

    private readonly string? _apiKey;
    private readonly string? _token;

    private ServerText(string? apiKey, string? token)
    {
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _token = string.IsNullOrEmpty(token) || token == _apiKey ? null : token;
    }

    /// <summary>
    /// The secrets of the last attempt of <paramref name="request"/>: the configured key and the bearer token it
    /// carried (the token provider's, which can change between attempts).
    /// </summary>
    public static ServerText For(string? apiKey, HttpRequestMessage? request)
    {
        string? token = null;
        if (request?.Headers.NonValidated.TryGetValues("Authorization", out var values) == true)
        {
            var header = values.ToString();
            if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // The configured key sent as the bearer token (the usual case) is already a secret here: no copy of it is cut out.
                var sent = header.AsSpan(BearerPrefix.Length).Trim();
                token = sent.SequenceEqual(apiKey) ? null : sent.ToString();
            }
        }

        return new ServerText(apiKey, token);
    }

    /// <summary><paramref name="text"/> with every secret replaced by <see cref="Marker"/>; the same instance when it holds none.</summary>
    public string? Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (_apiKey is not null && text.Contains(_apiKey, StringComparison.Ordinal))
        {
            text = text.Replace(_apiKey, Marker, StringComparison.Ordinal);
        }

        if (_token is not null && text.Contains(_token, StringComparison.Ordinal))
        {
            text = text.Replace(_token, Marker, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A copy of <paramref name="error"/> with every string in it (nested details and raw JSON too) cleaned.</summary>
    public ConversationApiError Clean(ConversationApiError error)
    {
        var details = new List<ConversationApiError>(error.Details.Count);
        foreach (var detail in error.Details)
        {
            details.Add(Clean(detail));
        }

        return new ConversationApiError
        {
            Code = Clean(error.Code),
            Message = Clean(error.Message),
            Param = Clean(error.Param),
            Type = Clean(error.Type),
            Details = details,
            AdditionalInfo = Clean(error.AdditionalInfo),
            DebugInfo = Clean(error.DebugInfo),
            RawBody = Clean(error.RawBody),
        };
    }

    /// <summary>
    /// Raw JSON with its secrets replaced; null when the replaced text is no longer JSON (a secret that the server
    /// escaped in a way that broke when replaced): dropping the member is safer than keeping the secret.
    /// </summary>
    private JsonElement? Clean(JsonElement? element)
    {
        if (element is not { } value)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Clean(value.GetRawText())!);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
