using System.Globalization;
using WireMock.Logging;

namespace ConversationClient.IntegrationTests;

/// <summary>One request as it arrived, with WireMock.Net's answer to it once given.</summary>
public sealed class LoggedRequest
{
    private readonly Dictionary<string, string> _headers;

    private LoggedRequest(StubServer.Arrival arrival, int? responseStatus, string? stubName, string? notMatchedReport)
    {
        Method = arrival.Method;
        Url = arrival.RawTarget;
        Body = arrival.Body;
        _headers = arrival.Headers;
        Fault = arrival.Fault;
        ResponseStatus = responseStatus;
        StubName = stubName;
        NotMatchedReport = notMatchedReport;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>
    /// Gets the request target exactly as sent, escapes included (<c>/v1/conversations/a%2Fb</c>). WireMock.Net
    /// matches on the decoded path, so escaping is asserted here.
    /// </summary>
    public string Url { get; }

    /// <summary>Gets the body as text; empty when there was none.</summary>
    public string Body { get; }

    /// <summary>Gets the fault served instead of an answer (<c>reset</c>), or null.</summary>
    public string? Fault { get; }

    /// <summary>Gets the status WireMock answered with; null for a fault or an answer not given (yet).</summary>
    public int? ResponseStatus { get; }

    /// <summary>Gets the title of the stub that answered, when one did.</summary>
    public string? StubName { get; }

    /// <summary>Gets, for a request WireMock matched to no stub, the closest stub and its score.</summary>
    public string? NotMatchedReport { get; }

    /// <summary>Gets a header's value, or null when it was not sent.</summary>
    public string? Header(string name) => _headers.GetValueOrDefault(name);

    public override string ToString() =>
        $"{Method} {Url} -> {Fault ?? ResponseStatus?.ToString(CultureInfo.InvariantCulture) ?? "no answer"}"
        + (StubName is not null ? $" (stub '{StubName}')" : NotMatchedReport is not null ? " (NOT MATCHED)" : string.Empty)
        + (Body.Length > 0 ? $" body {Body}" : string.Empty);

    internal static LoggedRequest From(StubServer.Arrival arrival, ILogEntry? entry)
    {
        if (entry is null)
        {
            return new LoggedRequest(arrival, null, null, null);
        }

        var status = entry.ResponseMessage?.StatusCode switch
        {
            int code => code,
            string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) => code,
            _ => (int?)null,
        };
        if (entry.MappingGuid is not null && entry.RequestMatchResult?.IsPerfectMatch == true)
        {
            return new LoggedRequest(arrival, status, entry.MappingTitle, null);
        }

        return new LoggedRequest(arrival, status, null,
            $"Request was not matched; closest stub '{entry.PartialMappingTitle}' (score {entry.PartialMatchResult?.AverageTotalScore.ToString("0.00", CultureInfo.InvariantCulture)})");
    }
}
