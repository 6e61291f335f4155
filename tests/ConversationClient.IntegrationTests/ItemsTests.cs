using ConversationClient.IntegrationTests.Stubs;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Conversation items and the export over real HTTP: the query parameters, the isolation header, Dify's user in the query.</summary>
public sealed class ItemsTests : IntegrationTest
{
    [Test]
    public async Task ListItemsAsync_Azure_PagesWithAfterAndTheIsolationHeaderAndKeepsEachItemsJson()
    {
        var client = CreateAzureClient(UseFastRetries);

        var items = await client.ListItemsAsync("conv_items", ItemStubs.User, new ConversationItemListOptions { PageSize = 2 }).ToListAsync();

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.Url), Is.EqualTo(new[]
            {
                "/openai/v1/conversations/conv_items/items?limit=2&order=asc",
                "/openai/v1/conversations/conv_items/items?limit=2&order=asc&after=fc_2",
            }), journal.Report);
            Assert.That(journal.DistinctHeader("x-ms-user-isolation-key"), Is.EqualTo(new[] { ItemStubs.User }));
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1", "fc_2", "msg_3" }));
            Assert.That(items.Select(i => i.Json), Is.EqualTo(new[] { ItemStubs.FirstItem, ItemStubs.SecondItem, ItemStubs.ThirdItem }));
            Assert.That(items.Select(i => i.Type), Is.EqualTo(new[] { "message", "function_call", "message" }));
            Assert.That(items[0].Role, Is.EqualTo("user"));
        }
    }

    [Test]
    public void ListItemsAsync_AzureConversationNotFound_ThrowsNotFound()
    {
        var client = CreateAzureClient(UseFastRetries);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync("conv_gone", ItemStubs.User).ToListAsync());

        var journal = Server.GetJournal();
        Assert.That(ex!.Error!.Code, Is.EqualTo(ConversationApiError.NotFoundCode), journal.Report);
        Assert.That(journal.Requests, Has.Count.EqualTo(1), journal.Report);
    }

    [Test]
    public async Task ListItemsAsync_Dify_SendsTheUserInTheQueryAndStepsBackWithFirstId()
    {
        var client = CreateDifyClient(UseFastRetries);

        var items = await client.ListItemsAsync(ItemStubs.DifyConversation, ItemStubs.DifyUser, new ConversationItemListOptions { PageSize = 2 }).ToListAsync();

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests.Select(r => r.Url), Is.EqualTo(new[]
            {
                $"/v1/messages?conversation_id={ItemStubs.DifyConversation}&user=user%207&limit=2",
                $"/v1/messages?conversation_id={ItemStubs.DifyConversation}&user=user%207&first_id=m3&limit=2",
            }), journal.Report);
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
            Assert.That(items[3].FeedbackRating, Is.EqualTo("like"));
            Assert.That(items[3].FileIds, Is.EqualTo(new[] { "f4" }));
            Assert.That(items[0].Query, Is.EqualTo("q1"));
        }
    }

    [Test]
    public async Task ExportUserAsync_Azure_ExportsEachConversationAndMarksOneDeletedMeanwhile()
    {
        var client = CreateAzureClient(UseFastRetries);

        var exports = await client.ExportUserAsync(ItemStubs.User).ToListAsync();

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exports.Select(e => e.Conversation.Id), Is.EqualTo(new[] { "conv_items", "conv_gone" }), journal.Report);
            Assert.That(exports[0].Items.Select(i => i.Json), Is.EqualTo(new[] { ItemStubs.FirstItem, ItemStubs.SecondItem, ItemStubs.ThirdItem }));
            Assert.That(exports[0].Conversation.Metadata["topic"], Is.EqualTo("a"));
            Assert.That(exports[0].DeletedDuringExport, Is.False);
            Assert.That(exports[1].DeletedDuringExport, Is.True);
            Assert.That(exports[1].Items, Is.Empty);
            Assert.That(journal.DistinctHeader("x-ms-user-isolation-key"), Is.EqualTo(new[] { ItemStubs.User }));
        }
    }
}
