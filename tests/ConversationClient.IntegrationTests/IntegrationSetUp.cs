using System.Collections.Concurrent;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Starts one WireMock server for the whole run and stops it at the end. Fails (never skips) when Java or npm is missing.</summary>
[SetUpFixture]
public sealed class IntegrationSetUp
{
    private static WireMockServer? _server;

    /// <summary>Gets the running server.</summary>
    public static WireMockServer Server => _server ?? throw new InvalidOperationException("The WireMock server is not running.");

    /// <summary>Gets the names of the stubs that answered a request in this run.</summary>
    public static ConcurrentDictionary<string, byte> UsedStubs { get; } = new();

    [OneTimeSetUp]
    public async Task StartWireMockAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        _server = await WireMockServer.StartAsync(timeout.Token);

        // A test host that ends without running the tear-down must not leave Java running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _server?.Dispose();
    }

    [OneTimeTearDown]
    public async Task StopWireMockAsync()
    {
        if (_server is null)
        {
            return;
        }

        try
        {
            // Every committed mapping should be used by a test; a filtered run naturally leaves some unused.
            var unused = (await _server.Admin.GetStubNamesAsync()).Where(name => !UsedStubs.ContainsKey(name)).Order().ToList();
            TestContext.Progress.WriteLine(unused.Count == 0
                ? "Every WireMock mapping answered at least one request."
                : $"WireMock mappings no test in this run used ({unused.Count}): {string.Join("; ", unused)}");
        }
        finally
        {
            _server.Dispose();
            _server = null;
        }
    }
}
