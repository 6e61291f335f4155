using System.Text;
using System.Text.Json;

namespace ConversationClient.Internal;

/// <summary>
/// Keeps the call's secrets out of what a server wrote: proxies and self-hosted servers echo the credential they were
/// sent in their error messages ("Incorrect API key provided: Bearer sk-..."), and that text goes into results,
/// exception messages and logs. Every server-supplied string is stored with the configured API key and the bearer
/// token of the attempt replaced by <see cref="Marker"/>, and the call's end user (a refused header or body value is
/// echoed too) where it stands alone: a user id as short as <c>u</c> must not cut up every word that holds it.
/// </summary>
internal readonly struct ServerText
{
    /// <summary>What stands where a secret was.</summary>
    public const string Marker = "[redacted]";

    private const string BearerPrefix = "Bearer ";

    private readonly string? _apiKey;
    private readonly string? _token;
    private readonly string? _user;

    private ServerText(string? apiKey, string? token, string? user)
    {
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _token = string.IsNullOrEmpty(token) || token == _apiKey ? null : token;
        _user = string.IsNullOrEmpty(user) ? null : user;
    }

    /// <summary>
    /// The secrets of the last attempt of <paramref name="request"/>: the configured key and the bearer token it
    /// carried (the token provider's, which can change between attempts); and the call's end user, <paramref name="user"/>.
    /// </summary>
    public static ServerText For(string? apiKey, HttpRequestMessage? request, string? user)
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

        return new ServerText(apiKey, token, user);
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

        if (_user is not null && text.Contains(_user, StringComparison.Ordinal))
        {
            text = ReplaceStandingAlone(text, _user);
        }

        return text;
    }

    /// <summary><paramref name="text"/> with each <paramref name="value"/> that no letter or digit adjoins replaced by <see cref="Marker"/>.</summary>
    private static string ReplaceStandingAlone(string text, string value)
    {
        var builder = new StringBuilder(text.Length);
        var from = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            var end = at + value.Length;
            if (at < from || (at > 0 && char.IsLetterOrDigit(text[at - 1])) || (end < text.Length && char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            builder.Append(text, from, at - from).Append(Marker);
            from = end;
        }

        return from == 0 ? text : builder.Append(text, from, text.Length - from).ToString();
    }

    /// <summary>
    /// <paramref name="exception"/>, or when its message or an inner one's holds a secret, an exception of its kind
    /// (<see cref="HttpRequestException"/>, <see cref="IOException"/>) with the outer message cleaned and no inner one:
    /// SocketsHttpHandler quotes a malformed status or header line in its message ("Received an invalid header line:
    /// '...'"), so a server that echoes the credential into one would put it into results, exception messages and logs.
    /// Any other kind is kept as it is: an attempt fails with those two for what a server sent, and with cancellation
    /// or the SDK's own exceptions otherwise, whose type the verdict reads (a cancellation must stay one).
    /// </summary>
    public Exception Clean(Exception exception)
    {
        var holdsSecret = false;
        for (var inner = exception; inner is not null && !holdsSecret; inner = inner.InnerException)
        {
            holdsSecret = !ReferenceEquals(Clean(inner.Message), inner.Message);
        }

        return !holdsSecret ? exception : exception switch
        {
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, Clean(http.Message), null, http.StatusCode),
            HttpIOException io => new HttpIOException(io.HttpRequestError, Clean(io.Message)),
            IOException => new IOException(Clean(exception.Message)),
            _ => exception,
        };
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
