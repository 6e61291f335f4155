namespace ConversationClient.IntegrationTests;

/// <summary>What WireMock's request journal held after a call: the requests, oldest first, and a report for assertion messages.</summary>
/// <param name="Requests">The requests that reached the server, oldest first.</param>
/// <param name="Report">Each request with its answer and, for unmatched ones, WireMock's near-miss report.</param>
public sealed record Journal(IReadOnlyList<LoggedRequest> Requests, string Report)
{
    /// <summary>Gets the requests that no stub matched (WireMock answered them 404 with a near-miss report).</summary>
    public IReadOnlyList<LoggedRequest> Unmatched => Requests.Where(r => !r.WasMatched).ToList();

    /// <summary>Gets the distinct values of one header across all requests.</summary>
    public IReadOnlyList<string?> DistinctHeader(string name) => Requests.Select(r => r.Header(name)).Distinct().ToList();

    public override string ToString() => Report;
}
