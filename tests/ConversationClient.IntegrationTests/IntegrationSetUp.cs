using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Starts one WireMock server for the whole run and stops it at the end. Fails (never skips) when Java or npm is missing.</summary>
[SetUpFixture]
public sealed class IntegrationSetUp
{
    private static WireMockServer? _server;

    /// <summary>Gets the running server.</summary>
    public static WireMockServer Server => _server ?? throw new InvalidOperationException("The WireMock server is not running.");

    [OneTimeSetUp]
    public async Task StartWireMockAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        _server = await WireMockServer.StartAsync(timeout.Token);

        // A test host that ends without running the tear-down must not leave Java running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _server?.Dispose();
    }

    [OneTimeTearDown]
    public void StopWireMock()
    {
        _server?.Dispose();
        _server = null;
    }
}
