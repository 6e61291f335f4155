using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>
/// Export and complete erasure through the SDK against the emulator over loopback: OpenAI's conversation delete leaves
/// the items stored, so the erasure deletes them first; Dify's removes its messages itself; faults do not strand items.
/// </summary>
public sealed class CompleteErasureTests : EmulatorTestBase
{
    private static void FastRetries(ConversationClientOptions options)
    {
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxRetries = 8;
    }

    [Test]
    public async Task Azure_EraseUser_DeletesEveryItemFirst_NothingLeftStored_UnderFaults()
    {
        var ids = Emulator.SeedOpenAIConversations(40, "user-a", itemsEach: 12);
        Emulator.SeedOpenAIConversations(3, "user-b", itemsEach: 2);
        Emulator.SetFaults(new ServiceFaultOptions { Method = "DELETE", FailureRate = 0.05, Seed = 11 });

        var report = await AzureClient(FastRetries).EraseUserAsync("user-a", new BulkDeleteOptions { PageSize = 10, MaxConcurrency = 6 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Verified, Is.True);
            Assert.That(report.Deleted, Is.EqualTo(40));
            Assert.That(report.ItemsDeleted, Is.EqualTo(480));
            Assert.That(Emulator.CountOpenAIConversations("user-a"), Is.Zero);
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-a"), Is.Zero, "no item left where nobody can list it");
            Assert.That(ids.Select(id => Emulator.CountOpenAIItems(id, "user-a")), Is.All.Zero);
            Assert.That(Emulator.CountOpenAIConversations("user-b"), Is.EqualTo(3), "another user's conversations are untouched");
            Assert.That(Emulator.GetCounters().FaultsInjected, Is.GreaterThan(0), "the faults did happen");
            Assert.That(report.Limits, Is.Not.Empty);
        }
    }

    [Test]
    public async Task Azure_EraseUser_SeededResponsesThroughTheAdminEndpoint_AreDeletedFirst_NoneLeftStored_UnderFaults()
    {
        var seeded = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"openai","count":12,"user":"user-a","items":2,"responses":3}""");
        var other = Emulator.SeedOpenAIConversations(1, "user-b")[0];
        Emulator.SeedOpenAIResponses(other, 2, "user-b");
        Emulator.SetFaults(new ServiceFaultOptions { Method = "DELETE", FailureRate = 0.05, Seed = 5 });

        var report = await AzureClient(FastRetries).EraseUserAsync("user-a", new BulkDeleteOptions { PageSize = 5, MaxConcurrency = 4 });
        var orphaned = await SendAsync(HttpMethod.Get, "__emulator/orphaned-items?user=user-a", null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seeded.Status, Is.EqualTo(200), seeded.Body);
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.ResponsesDeleted, Is.EqualTo(36));
            Assert.That(report.ItemsDeleted, Is.EqualTo(24));
            Assert.That(Emulator.CountOrphanedOpenAIResponses("user-a"), Is.Zero, "no stored response left behind a deleted conversation");
            Assert.That(orphaned.Json.GetProperty("orphaned_responses").GetInt32(), Is.Zero);
            Assert.That(Emulator.GetCounters().ResponsesDeleted, Is.EqualTo(36));
            Assert.That(Emulator.GetCounters().ResponseListPages, Is.GreaterThanOrEqualTo(24), "each conversation's first page, then the empty one");
            Assert.That(Emulator.OpenAIConversationExists(other, "user-b"), Is.True, "another user's conversation and responses are untouched");
        }
    }

    [Test]
    public async Task Seed_ResponsesForDify_IsRefused()
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/seed", null, """{"dialect":"dify","count":1,"user":"dora","responses":1}""");

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain("stored responses are OpenAI-dialect only"));
    }

    [Test]
    public async Task OpenAI_CannotListButErasesKnownIdsCompletely()
    {
        var ids = Emulator.SeedOpenAIConversations(6, itemsEach: 9);

        var results = await OpenAIClient().EraseConversationsAsync(ids).ToListAsync();

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(results.Sum(r => r.ItemsDeleted), Is.EqualTo(54));
        Assert.That(results.Select(r => r.Verification), Is.All.EqualTo(ErasureVerification.Gone));
        Assert.That(Emulator.CountOrphanedOpenAIItems(), Is.Zero);
    }

    [Test]
    public async Task Azure_EraseUserWithoutTheItemStep_LeavesTheItemsStored()
    {
        Emulator.SeedOpenAIConversations(5, "user-a", itemsEach: 4);

        var report = await AzureClient().EraseUserAsync("user-a", new BulkDeleteOptions { DeleteItems = false });

        Assert.That(report.Deleted, Is.EqualTo(5));
        Assert.That(Emulator.CountOrphanedOpenAIItems("user-a"), Is.EqualTo(20), "OpenAI's delete keeps a conversation's items");
    }

    [Test]
    public async Task Dify_EraseUser_TheServiceRemovesTheMessages_AndTheErasureVerifies()
    {
        var ids = Emulator.SeedDifyConversations(25, "alice", messagesEach: 5);

        var report = await DifyClient().EraseUserAsync("alice", new BulkDeleteOptions { PageSize = 10 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Verified, Is.True);
            Assert.That(report.ItemsDeleted, Is.Zero);
            Assert.That(ids.Select(id => Emulator.CountDifyMessages(id, "alice")), Is.All.Zero);
        }
    }

    [Test]
    public async Task Azure_ExportUser_EveryConversationWithItsItemsInOrder()
    {
        var ids = Emulator.SeedOpenAIConversations(7, "user-a", itemsEach: 130);

        var exports = await AzureClient().ExportUserAsync("user-a").ToListAsync();

        Assert.That(exports.Select(e => e.Conversation.Id), Is.EquivalentTo(ids));
        Assert.That(exports.Select(e => e.Items.Count), Is.All.EqualTo(130), "pages of 100 and the rest");
        Assert.That(exports.Select(e => e.DeletedDuringExport), Is.All.False);
        var first = exports[0].Items;
        Assert.That(first.Select(i => i.Id), Is.Unique);
        Assert.That(first.Select(i => i.Json), Is.All.StartsWith("{").And.All.Contains("\"type\""));
        Assert.That(Emulator.CountOpenAIConversations("user-a"), Is.EqualTo(7), "an export deletes nothing");
    }

    [Test]
    public async Task Dify_ExportUser_MessagesOldestFirstAcrossPages()
    {
        Emulator.SeedDifyConversations(3, "alice", messagesEach: 230);

        var exports = await DifyClient().ExportUserAsync("alice").ToListAsync();

        Assert.That(exports, Has.Count.EqualTo(3));
        foreach (var export in exports)
        {
            Assert.That(export.Items, Has.Count.EqualTo(230));
            Assert.That(export.Items.Select(i => i.CreatedAt), Is.Ordered, "oldest first although Dify pages back from the newest");
            Assert.That(export.Items.Select(i => i.Id), Is.Unique);
        }
    }
}
