using ConversationClient.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>The SDK against ConversationClient.Testing's stubs: each service's behaviour, paging and scripted faults, over real sockets.</summary>
public sealed class ServiceStubTests
{
    private static IConversationClient CreateClient(ConversationServiceStub stub, Action<ConversationClientOptions>? configure = null)
    {
        var options = stub.CreateClientOptions();
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        return ConversationClientFactory.Create(options);
    }

    [TestCase(ConversationServiceKind.OpenAI, "not_found")]
    [TestCase(ConversationServiceKind.AzureAIFoundry, "not_found")]
    [TestCase(ConversationServiceKind.Dify, "not_found")]
    public async Task DeleteAsync_TwiceOnTheStub_DeletesOnceThenNotFoundInTheEnvelope(ConversationServiceKind kind, string code)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        var client = CreateClient(stub);

        var first = await client.DeleteAsync(id, user: "user-1");
        var second = await client.DeleteAsync(id, user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), first.ToString());
            Assert.That(second.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), second.ToString());
            Assert.That(second.Error?.Code, Is.EqualTo(code));
            Assert.That(second.Error?.RawBody, Is.Null, "the envelope was parsed");
            Assert.That(stub.ConversationExists(id, "user-1"), Is.False);
            Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, "user-1", 1), new ReceivedDelete(id, "user-1", 1) }));
        }
    }

    [TestCase(ConversationServiceKind.OpenAI)]
    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task DeleteAsync_OtherUsersConversation_IsNotFoundAndKept(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("owner");
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "someone-else");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), result.ToString());
        Assert.That(stub.ConversationExists(id, "owner"), Is.True);
    }

    [TestCase(ConversationServiceKind.OpenAI, "invalid_api_key")]
    [TestCase(ConversationServiceKind.AzureAIFoundry, "invalid_api_key")]
    [TestCase(ConversationServiceKind.Dify, "unauthorized")]
    public async Task DeleteAsync_WrongKey_Fails401InTheEnvelope(ConversationServiceKind kind, string code)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var id = stub.AddConversation("user-1");
        var client = CreateClient(stub, options => options.ApiKey = kind == ConversationServiceKind.Dify ? "app-wrong-key" : "sk-wrong-key");

        var result = await client.DeleteAsync(id, user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Code, Is.EqualTo(code));
            Assert.That(stub.ConversationExists(id, "user-1"), Is.True);
        }
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task EraseUserAsync_ManyPages_ListsAndDeletesOnlyThatUsersConversations(ConversationServiceKind kind)
    {
        await using var stub = ConversationServiceStub.Start(kind);
        var mine = stub.AddConversations(25, "user-1");
        var theirs = stub.AddConversation("user-2");
        var client = CreateClient(stub);

        var listed = new List<string>();
        await foreach (var summary in client.ListAsync("user-1", new ConversationListOptions { PageSize = 10 }))
        {
            listed.Add(summary.Id);
        }

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 10 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed, Is.EquivalentTo(mine), "three pages of 10, 10 and 5");
            Assert.That(report.Deleted, Is.EqualTo(25), report.ToString());
            Assert.That(report.IsComplete, Is.True);
            Assert.That(mine.Any(id => stub.ConversationExists(id, "user-1")), Is.False);
            Assert.That(stub.ConversationExists(theirs, "user-2"), Is.True);
        }
    }

    [Test]
    public async Task DeleteAsync_TwoScripted503_RetriesAndTheStubCountsThreeAttempts()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);
        var id = stub.AddConversation();
        stub.FailNext(2);
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, null, 3) }));
    }

    [Test]
    public async Task DeleteAsync_Scripted429_HonoursRetryAfterThenSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        stub.ThrottleNext(TimeSpan.FromMilliseconds(300));
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(stub.Deletes.Single().Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task DeleteAsync_ScriptedReset_RetriesAndSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");
        stub.ResetNext();
        var client = CreateClient(stub);

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(stub.Deletes, Is.EqualTo(new[] { new ReceivedDelete(id, "user-1", 2) }));
    }

    [Test]
    public async Task DeleteAsync_ScriptedDelayPastTheAttemptTimeout_RetriesAndSucceeds()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry);
        var id = stub.AddConversation("user-1");
        stub.DelayNext(TimeSpan.FromSeconds(2));
        var client = CreateClient(stub, options => options.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        var result = await client.DeleteAsync(id, user: "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.Attempts, Is.EqualTo(2));
    }
}
