using System.Text;
using System.Text.Json;

namespace ConversationClient.IntegrationTests;

/// <summary>The parts of WireMock's admin API (<c>/__admin</c>) the tests use: resets, the request journal and near misses.</summary>
public sealed class WireMockAdmin : IDisposable
{
    private readonly HttpClient _http;

    public WireMockAdmin(Uri baseAddress)
    {
        _http = new HttpClient { BaseAddress = new Uri(baseAddress, "__admin/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Empties the request journal.</summary>
    public async Task ResetRequestsAsync()
    {
        using var response = await _http.DeleteAsync(new Uri("requests", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Puts every scenario back in its <c>Started</c> state.</summary>
    public async Task ResetScenariosAsync()
    {
        using var response = await _http.PostAsync(new Uri("scenarios/reset", UriKind.Relative), content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reads the journal (oldest request first) and, for requests no stub matched, WireMock's near-miss report.</summary>
    public async Task<Journal> GetJournalAsync()
    {
        var requests = new List<LoggedRequest>();
        using (var document = await GetJsonAsync("requests"))
        {
            foreach (var serveEvent in document.RootElement.GetProperty("requests").EnumerateArray())
            {
                requests.Add(LoggedRequest.FromServeEvent(serveEvent));
            }
        }

        // The journal lists the newest request first.
        requests.Reverse();

        var report = new StringBuilder();
        report.AppendLine().Append("WireMock received ").Append(requests.Count).AppendLine(" request(s):");
        foreach (var request in requests)
        {
            report.Append("  ").AppendLine(request.ToString());
        }

        if (requests.Any(r => !r.WasMatched))
        {
            using var nearMisses = await GetJsonAsync("requests/unmatched/near-misses");
            report.AppendLine("Near misses of unmatched requests (/__admin/requests/unmatched/near-misses):");
            foreach (var nearMiss in nearMisses.RootElement.GetProperty("nearMisses").EnumerateArray())
            {
                var request = nearMiss.GetProperty("request");
                var stub = nearMiss.GetProperty("stubMapping");
                var stubName = stub.TryGetProperty("name", out var name) ? name.GetString() : stub.GetProperty("id").GetString();
                report.Append("  ").Append(request.GetProperty("method").GetString()).Append(' ')
                    .Append(request.GetProperty("url").GetString()).Append(" is closest to stub '").Append(stubName)
                    .Append("' (distance ").Append(nearMiss.GetProperty("matchResult").GetProperty("distance").GetDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))
                    .AppendLine(")");
            }

            foreach (var request in requests.Where(r => r.NotMatchedReport is not null))
            {
                report.AppendLine(request.NotMatchedReport);
            }
        }

        return new Journal(requests, report.ToString());
    }

    /// <summary>Gets the names of all stubs the server holds.</summary>
    public async Task<IReadOnlyList<string>> GetStubNamesAsync()
    {
        using var document = await GetJsonAsync("mappings");
        return document.RootElement.GetProperty("mappings").EnumerateArray()
            .Select(m => m.TryGetProperty("name", out var name) ? name.GetString() ?? "(unnamed)" : "(unnamed)")
            .ToList();
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        return await JsonDocument.ParseAsync(stream);
    }
}
