using ConversationClient.IntegrationTests.Stubs;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Starts one in-process WireMock.Net server with every stub for the whole run, and stops it at the end.</summary>
[SetUpFixture]
public sealed class IntegrationSetUp
{
    private static StubServer? _server;

    /// <summary>Gets the running server.</summary>
    public static StubServer Server => _server ?? throw new InvalidOperationException("The WireMock server is not running.");

    [OneTimeSetUp]
    public void StartWireMock()
    {
        _server = new StubServer();
        OpenAIStubs.Register(_server.WireMock);
        DifyStubs.Register(_server.WireMock);
        ConfirmationStubs.Register(_server.WireMock);
        ItemStubs.Register(_server.WireMock);
        ResponseStubs.Register(_server.WireMock);
    }

    [OneTimeTearDown]
    public void StopWireMock()
    {
        _server?.Dispose();
        _server = null;
    }
}
