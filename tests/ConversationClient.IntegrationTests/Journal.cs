using System.Globalization;
using System.Text;
using WireMock.Logging;

namespace ConversationClient.IntegrationTests;

/// <summary>What reached the stub server: the requests, oldest first, and a report for assertion messages.</summary>
/// <param name="Requests">The requests that arrived, oldest first.</param>
/// <param name="Report">Each request with its answer and, for unmatched ones, the closest stub and what differed.</param>
public sealed record Journal(IReadOnlyList<LoggedRequest> Requests, string Report)
{
    /// <summary>Gets the requests that reached WireMock and no stub matched (it answered them 404 "No matching mapping found").</summary>
    public IReadOnlyList<LoggedRequest> Unmatched => Requests.Where(r => r.NotMatchedReport is not null).ToList();

    /// <summary>Gets the distinct values of one header across all requests.</summary>
    public IReadOnlyList<string?> DistinctHeader(string name) => Requests.Select(r => r.Header(name)).Distinct().ToList();

    public override string ToString() => Report;

    internal static Journal From(IReadOnlyList<StubServer.Arrival> arrivals, IEnumerable<ILogEntry> entries)
    {
        var answered = new Dictionary<string, ILogEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.RequestMessage?.Headers?.TryGetValue(StubServer.ArrivalHeader, out var id) == true)
            {
                answered[id.ToString()] = entry;
            }
        }

        var requests = arrivals.Select(a => LoggedRequest.From(a, answered.GetValueOrDefault(a.Id))).ToList();
        var report = new StringBuilder().AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Stub server journal ({requests.Count} requests):");
        foreach (var request in requests)
        {
            report.AppendLine("  " + request);
            if (request.NotMatchedReport is { } miss)
            {
                report.AppendLine("    " + miss);
            }
        }

        return new Journal(requests, report.ToString());
    }
}
