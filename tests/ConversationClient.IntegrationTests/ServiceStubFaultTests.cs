using ConversationClient.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>ConversationServiceStub.SetFaults and GetCounters: the emulator's faults and counters, on the stub.</summary>
public sealed class ServiceStubFaultTests
{
    [TestCase(ConversationServiceKind.OpenAI)]
    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task SetFaults_FailFirstOnDeletes_TheClientRetriesAndTheCountersSayWhatHappened(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        stub.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 503, Method = "DELETE" });
        var options = stub.CreateClientOptions();
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        var client = ConversationClientFactory.Create(options);

        var result = await client.DeleteAsync(id, "user-1");
        var counters = stub.GetCounters();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(counters.FaultsInjected, Is.EqualTo(1));
            Assert.That(counters.DeleteRequests, Is.EqualTo(2));
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(1));
            Assert.That(counters.ConversationsCreated, Is.EqualTo(1));
            Assert.That(stub.ConversationExists(id, "user-1"), Is.False);
        }
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task ScriptedFaults_CountAsRequestsAndInjectedFaults(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        stub.FailNext(1);
        stub.ThrottleNext(TimeSpan.FromSeconds(1));
        stub.ResetNext();
        stub.DelayNext(TimeSpan.FromMilliseconds(1));
        using var http = new HttpClient();

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stub.BaseAddress + "/conversations?user=user-1"));
            request.Headers.Authorization = new("Bearer", stub.ApiKey);
            try
            {
                using var response = await http.SendAsync(request);
                statuses.Add((int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                statuses.Add(0);
            }
        }

        var counters = stub.GetCounters();
        var dialect = kind == ConversationServiceKind.Dify ? counters.DifyRequests : counters.OpenAIRequests;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.EqualTo(new[] { 503, 429, 0, 200, 200 }));
            Assert.That((counters.Requests, dialect), Is.EqualTo((5L, 5L)), "every request the stub received");
            Assert.That(counters.FaultsInjected, Is.EqualTo(3), "503, 429 and the reset; a delay is no fault");
            Assert.That(counters.ListPages, Is.EqualTo(2));
        }
    }

    [Test]
    public void SetFaults_OutOfRange_ThrowsNamingTheSetting()
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => stub.SetFaults(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("faults"));
            Assert.That(() => stub.SetFaults(new ServiceFaultOptions { FailureRate = 2 }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo(nameof(ServiceFaultOptions.FailureRate)));
        }
    }

    [Test]
    public async Task SetFaults_TheOptionsObjectIsCopied_ChangingItLaterChangesNothing()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        var faults = new ServiceFaultOptions();
        stub.SetFaults(faults);
        faults.FailFirst = 5;
        var client = ConversationClientFactory.Create(stub.CreateClientOptions());

        var result = await client.DeleteAsync(id, "user-1");

        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(stub.GetCounters().FaultsInjected, Is.Zero);
    }
}
