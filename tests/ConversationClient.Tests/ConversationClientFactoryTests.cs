using System.Net;
using System.Net.Sockets;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class ConversationClientFactoryTests
{
    [Test]
    public void Create_ValidOptions_ReturnsAClient()
    {
        var client = ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.Dify));

        Assert.That(client, Is.Not.Null);
    }

    [Test]
    public async Task Create_UnreachableService_ReturnsConnectionFailedResult()
    {
        // A loopback port nobody listens on: the shared real handler refuses fast and the result says so.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.OpenAI, o =>
        {
            o.BaseAddress = new Uri($"http://127.0.0.1:{port}/v1");
            o.Retry.MaxRetries = 1;
        }));

        var result = await client.DeleteAsync("conv_1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.StatusCode, Is.Null);
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
        Assert.That(result.Attempts, Is.EqualTo(2));
    }

    [Test]
    public void Create_InvalidOptions_ThrowsArgumentExceptionNamingOptions()
    {
        var options = TestClients.Options(ConversationApiDialect.OpenAI, o => o.BaseAddress = null);

        Assert.That(() => ConversationClientFactory.Create(options),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
    }
}
