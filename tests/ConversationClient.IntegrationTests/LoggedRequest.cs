using System.Text.Json;

namespace ConversationClient.IntegrationTests;

/// <summary>One request as WireMock's journal recorded it.</summary>
public sealed class LoggedRequest
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    private LoggedRequest(string method, string url, string body, bool wasMatched, int? responseStatus, string? stubName, string? notMatchedReport)
    {
        Method = method;
        Url = url;
        Body = body;
        WasMatched = wasMatched;
        ResponseStatus = responseStatus;
        StubName = stubName;
        NotMatchedReport = notMatchedReport;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path and query as sent, escapes included (<c>/v1/conversations/a%2Fb</c>).</summary>
    public string Url { get; }

    /// <summary>Gets the body as text; empty when there was none.</summary>
    public string Body { get; }

    /// <summary>Gets whether a stub matched the request.</summary>
    public bool WasMatched { get; }

    /// <summary>Gets the status WireMock answered with; null when a fault was served instead.</summary>
    public int? ResponseStatus { get; }

    /// <summary>Gets the name of the stub that answered, when one did.</summary>
    public string? StubName { get; }

    /// <summary>Gets WireMock's "Request was not matched" diff, for an unmatched request.</summary>
    public string? NotMatchedReport { get; }

    /// <summary>Gets the header names as WireMock logged them.</summary>
    public IReadOnlyCollection<string> HeaderNames => _headers.Keys;

    /// <summary>Gets a header's value (several values joined by <c>, </c>), or null when it was not sent.</summary>
    public string? Header(string name) => _headers.GetValueOrDefault(name);

    public override string ToString() =>
        $"{Method} {Url} -> {(ResponseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "fault")}"
        + (WasMatched ? $" (stub '{StubName}')" : " (NOT MATCHED)")
        + (Body.Length > 0 ? $" body {Body}" : string.Empty);

    internal static LoggedRequest FromServeEvent(JsonElement serveEvent)
    {
        var request = serveEvent.GetProperty("request");
        int? status = serveEvent.TryGetProperty("response", out var response) && response.TryGetProperty("status", out var s) && s.GetInt32() > 0
            ? s.GetInt32()
            : null;
        string? stubName = null;
        if (serveEvent.TryGetProperty("stubMapping", out var stub) && stub.TryGetProperty("name", out var name))
        {
            stubName = name.GetString();
        }

        string? report = null;
        if (serveEvent.TryGetProperty("subEvents", out var subEvents))
        {
            foreach (var subEvent in subEvents.EnumerateArray())
            {
                if (subEvent.GetProperty("type").GetString() == "REQUEST_NOT_MATCHED"
                    && subEvent.TryGetProperty("data", out var data) && data.TryGetProperty("report", out var text))
                {
                    report = text.GetString();
                }
            }
        }

        var logged = new LoggedRequest(
            request.GetProperty("method").GetString()!,
            request.GetProperty("url").GetString()!,
            request.TryGetProperty("body", out var body) ? body.GetString() ?? string.Empty : string.Empty,
            serveEvent.GetProperty("wasMatched").GetBoolean(),
            status,
            stubName,
            report);
        if (request.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject())
            {
                logged._headers[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                    ? string.Join(", ", header.Value.EnumerateArray().Select(v => v.GetString()))
                    : header.Value.GetString() ?? string.Empty;
            }
        }

        return logged;
    }
}
