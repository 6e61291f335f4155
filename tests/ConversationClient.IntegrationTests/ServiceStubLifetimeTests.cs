using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ConversationClient.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// ConversationServiceStub as a user's parallel test run meets it: stubs started at once, many requests at once on one
/// stub, disposing while requests are in flight, a new stub after a disposed one, and the loopback-only socket.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ServiceStubLifetimeTests
{
    [Test]
    public async Task Start_ManyStubsAtOnce_EachHasItsOwnPortAndItsOwnConversations()
    {
        var kinds = Enumerable.Range(0, 9).Select(i => (ConversationServiceKind)(i % 3)).ToList();
        var stubs = await Task.WhenAll(kinds.Select(kind => Task.Run(() => ConversationServiceStub.Start(kind))));
        try
        {
            var ids = stubs.Select(stub => stub.AddConversation("user-1")).ToList();
            var results = await Task.WhenAll(stubs.Select((stub, i) =>
                ConversationClientFactory.Create(stub.CreateClientOptions()).DeleteAsync(ids[i], "user-1")));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(stubs.Select(stub => stub.BaseAddress.Port), Is.Unique);
                Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
                Assert.That(stubs.Select(stub => stub.GetCounters().ConversationsDeleted), Is.All.EqualTo(1), "no stub saw another's deletes");
                Assert.That(stubs.Select(stub => stub.Deletes.Count), Is.All.EqualTo(1));
            }
        }
        finally
        {
            foreach (var stub in stubs)
            {
                await stub.DisposeAsync();
            }
        }
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task ManyDeletesAtOnce_EachConversationIsDeletedOnce_AndTheCountersAreExact(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var ids = stub.AddConversations(150, "user-1");
        var client = ConversationClientFactory.Create(stub.CreateClientOptions());

        var results = await Task.WhenAll(ids.Concat(ids).Select(id => Task.Run(() => client.DeleteAsync(id, "user-1"))));

        var counters = stub.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r.Outcome == DeleteConversationOutcome.Deleted), Is.EqualTo(150));
            Assert.That(results.Count(r => r.Outcome == DeleteConversationOutcome.NotFound), Is.EqualTo(150));
            Assert.That((counters.Requests, counters.DeleteRequests), Is.EqualTo((300L, 300L)));
            Assert.That((counters.ConversationsDeleted, counters.DeletesNotFound), Is.EqualTo((150L, 150L)));
            Assert.That(stub.Deletes, Has.Count.EqualTo(300));
            Assert.That(stub.Deletes.GroupBy(d => d.ConversationId).Select(g => g.Count()), Is.All.EqualTo(2));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Dispose_WhileARequestIsHeldBack_ReturnsAtOnce_AndTheRequestIsCutOff(bool byLatency)
    {
        var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);
        var id = stub.AddConversation("user-1");
        if (byLatency)
        {
            stub.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMinutes(1) });
        }
        else
        {
            stub.DelayNext(TimeSpan.FromMinutes(1));
        }

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(stub.BaseAddress + "/conversations/" + id));
        request.Headers.Authorization = new("Bearer", stub.ApiKey);
        var pending = http.SendAsync(request);
        await Task.Delay(300); // the request reaches the stub and waits there

        var stopwatch = Stopwatch.StartNew();
        await stub.DisposeAsync();
        stopwatch.Stop();

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not the server's 30-second wait for requests in flight");
        Assert.That(async () => await pending.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Start_AfterDispose_ANewStubServes_AndTheOldOneIsClosed()
    {
        var first = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var oldAddress = first.BaseAddress;
        first.Dispose();
        first.Dispose(); // a second dispose does nothing
        await first.DisposeAsync();

        await using var second = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = second.AddConversation("user-1");
        var result = await ConversationClientFactory.Create(second.CreateClientOptions()).DeleteAsync(id, "user-1");
        using var tcp = new TcpClient();

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(async () => await tcp.ConnectAsync(oldAddress.Host, oldAddress.Port), Throws.InstanceOf<SocketException>());
    }

    [Test]
    public async Task Start_ListensOnLoopbackOnly()
    {
        var outside = NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(address => address.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));
        if (outside is null)
        {
            Assert.Ignore("This machine has no address but loopback.");
        }

        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);
        using var tcp = new TcpClient();

        Assert.That(IPAddress.IsLoopback(IPAddress.Parse(stub.BaseAddress.Host)), Is.True, stub.BaseAddress.ToString());
        Assert.That(async () => await tcp.ConnectAsync(outside, stub.BaseAddress.Port), Throws.InstanceOf<SocketException>(),
            "a stub that accepts its well-known key is not reachable from the network");
    }
}
