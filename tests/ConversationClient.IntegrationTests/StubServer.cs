using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WireMock.Server;
using WireMock.Settings;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// The in-process WireMock.Net server of the suite, on a free loopback port, with a middleware in front of WireMock
/// that (1) records every request as it arrives, with its raw target and body (WireMock.Net journals a request only
/// once it has answered, so a request still delayed, cancelled or reset would be missing), (2) aborts the
/// connection (<see cref="HttpContext.Abort"/>, a TCP reset) for paths told to reset, and (3) holds back the answer
/// to paths told to be slow. WireMock.Net has no reset fault, and a scenario's state changes only after a delayed
/// answer is written, so both are done here.
/// </summary>
public sealed class StubServer : IDisposable
{
    internal const string ArrivalHeader = "x-stub-arrival";

    private readonly ConcurrentDictionary<string, int> _resetsLeft = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Left, TimeSpan Delay)> _slowLeft = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private int _sequence;

    public StubServer()
    {
        WireMock = WireMockServer.Start(new WireMockServerSettings
        {
            Port = 0,
            StartAdminInterface = false,
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(InterceptAsync),
        });
    }

    /// <summary>Gets the underlying WireMock.Net server.</summary>
    public WireMockServer WireMock { get; }

    /// <summary>Gets the absolute address of a path on the server, for example <c>Url("/v1")</c>.</summary>
    public Uri Url(string path) => new(WireMock.Url + path);

    /// <summary>Makes the next <paramref name="count"/> requests on <paramref name="path"/> (decoded) end in a connection reset.</summary>
    public void ResetConnectionOf(string path, int count = 1) => _resetsLeft[path] = count;

    /// <summary>Holds the next <paramref name="count"/> requests on <paramref name="path"/> back for <paramref name="delay"/> before WireMock answers them.</summary>
    public void SlowDown(string path, TimeSpan delay, int count = 1) => _slowLeft[path] = (count, delay);

    /// <summary>Empties the journal, puts every scenario back to its start and forgets pending resets and delays.</summary>
    public void Reset()
    {
        WireMock.ResetLogEntries();
        WireMock.ResetScenarios();
        _resetsLeft.Clear();
        _slowLeft.Clear();
        _arrivals.Clear();
    }

    /// <summary>Reads the journal: every request that arrived, oldest first, with WireMock's answer once it was given.</summary>
    public Journal GetJournal() => Journal.From([.. _arrivals], WireMock.LogEntries);

    public void Dispose() => WireMock.Stop();

    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        request.Body.Position = 0;

        var id = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        var path = request.Path.Value ?? string.Empty;
        var fault = Take(_resetsLeft, path) ? "reset" : null;
        _arrivals.Enqueue(new Arrival(
            id,
            request.Method,
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            fault));
        request.Headers[ArrivalHeader] = id;

        if (fault is not null)
        {
            context.Abort();
            return;
        }

        if (TakeSlow(path) is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up first
            }
        }

        await next(context);
    }

    private static bool Take(ConcurrentDictionary<string, int> counts, string path)
    {
        while (counts.TryGetValue(path, out var left) && left > 0)
        {
            if (counts.TryUpdate(path, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    private TimeSpan? TakeSlow(string path)
    {
        while (_slowLeft.TryGetValue(path, out var slow) && slow.Left > 0)
        {
            if (_slowLeft.TryUpdate(path, (slow.Left - 1, slow.Delay), slow))
            {
                return slow.Delay;
            }
        }

        return null;
    }

    internal sealed record Arrival(string Id, string Method, string RawTarget, Dictionary<string, string> Headers, string Body, string? Fault);
}
