using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Testing.Services;

/// <summary>
/// Kestrel on a loopback address that answers every request with one <see cref="RequestDelegate"/>: the one loopback
/// server helper, under the emulator, the unit tests that need a real socket and the benchmarks' server. The
/// WireMock.Net stub and the integration tests' raw fault host have servers of their own (WireMock.Net's, and a bare
/// socket for faults no HTTP server writes).
/// </summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the root address actually bound, ending with a slash, for example <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts listening on <paramref name="listenUrl"/> (port 0 picks a free one) and returns once it does.</summary>
    /// <param name="handler">Answers every request.</param>
    /// <param name="listenUrl">The address to listen on.</param>
    /// <param name="consoleLogging">Whether ASP.NET Core logs to the console (warnings and up of its own, one line each).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LoopbackHost> StartAsync(
        RequestDelegate handler, string listenUrl = "http://127.0.0.1:0", bool consoleLogging = false, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(listenUrl);
        builder.Logging.ClearProviders();
        if (consoleLogging)
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Urls.First();
        return new LoopbackHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
