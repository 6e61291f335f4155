using ConversationClient;
using ConversationClient.Testing;
using NUnit.Framework;

namespace MyApp.Tests;

public class ForgetMeTests
{
    [Test]
    public async Task EraseUser_DeletesEveryConversationOfTheUser_EvenThroughA503()
    {
        // A stub that behaves like Dify, on a free port (also OpenAI and AzureAIFoundry).
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var ids = stub.AddConversations(3, user: "user-42");
        var other = stub.AddConversation(user: "user-7");
        stub.FailNext(1); // the next request is answered 503 in Dify's envelope

        var client = ConversationClientFactory.Create(stub.CreateClientOptions());
        var report = await client.EraseUserAsync("user-42");

        Assert.That(report.Deleted, Is.EqualTo(3));
        Assert.That(ids.Any(id => stub.ConversationExists(id, "user-42")), Is.False);
        Assert.That(stub.ConversationExists(other, "user-7"), Is.True);
        Assert.That(stub.Deletes.Select(d => d.User), Is.All.EqualTo("user-42"));
    }
}
