using ConversationClient.IntegrationTests.Stubs;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Azure AI Foundry's stored responses over real HTTP: the listing's exact query, the isolation header, the delete path, the order of the steps.</summary>
public sealed class StoredResponsesTests : IntegrationTest
{
    [Test]
    public async Task EraseConversationsAsync_Azure_ListsTheConversationsResponsesDeletesEachThenItsItemsAndItself()
    {
        var client = CreateAzureClient(UseFastRetries);

        var result = (await client.EraseConversationsAsync([ResponseStubs.Conversation], ResponseStubs.User).ToListAsync()).Single();

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => $"{r.Method} {r.Url}"), Is.EqualTo(new[]
            {
                "GET /openai/v1/responses?conversation_id=conv_resp&limit=100&order=asc",
                "DELETE /openai/v1/responses/resp_1",
                "DELETE /openai/v1/responses/resp_2",
                "GET /openai/v1/responses?conversation_id=conv_resp&limit=100&order=asc",
                "GET /openai/v1/conversations/conv_resp/items?limit=100&order=asc",
                "DELETE /openai/v1/conversations/conv_resp",
                "GET /openai/v1/conversations/conv_resp",
            }), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-user-isolation-key"), Is.EqualTo(new[] { ResponseStubs.User }));
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
            Assert.That(result.ResponsesDeleted, Is.EqualTo(2));
            Assert.That(result.Verification, Is.EqualTo(ErasureVerification.Gone));
        }
    }

    [Test]
    public async Task EraseConversationsAsync_AzureEndpointWithoutTheList_ErasesTheConversationAndSaysNotChecked()
    {
        var client = CreateAzureClient(UseFastRetries);

        var result = (await client.EraseConversationsAsync([ResponseStubs.NotServed], ResponseStubs.User).ToListAsync()).Single();

        var journal = Server.GetJournal();
        Assert.That(journal.Unmatched, Is.Empty, journal.Report);
        Assert.That(journal.Requests, Has.Count.EqualTo(4), journal.Report);
        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.ResponsesDeleted, Is.Null);
    }
}
