using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// A conversation the user writes in while an export or an erasure runs is not missed. Dify lists by last activity
/// unless asked otherwise, paging on after a conversation: one written in jumps above the place the run pages on from.
/// Both list by creation, where a conversation keeps its place (Azure AI Foundry lists by creation anyway).
/// </summary>
public sealed class ListingOrderTests
{
    [Test]
    public async Task ExportUserAsync_Dify_AConversationWrittenInWhileTheExportRuns_IsNotSkipped()
    {
        // Dify lists by last activity unless asked otherwise, paging on after a conversation: one the user writes in
        // while the export runs jumps above the page read, and a listing in that order never reaches it.
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(150, "user-1");
        var client = TestClients.Create(ConversationApiDialect.Dify, service);

        var exported = new List<string>();
        await foreach (var export in client.ExportUserAsync("user-1"))
        {
            if (exported.Count == 0)
            {
                service.TouchDify(ids[0], "user-1");
                service.TouchDify(ids[^1], "user-1");
            }

            exported.Add(export.Conversation.Id);
        }

        Assert.That(exported, Is.EquivalentTo(ids), "every conversation of the user, each once");
    }

    [Test]
    public async Task EraseUserAsync_Dify_AConversationWrittenInWhileTheErasureRuns_IsErasedEvenWithoutVerification()
    {
        // Dify lists by last activity unless asked otherwise: a conversation the user writes in while the erasure runs
        // jumps above the place the erasure pages on from (the one it left standing), and a listing in that order never
        // reaches it. The erasure lists by creation, where a conversation keeps its place.
        using var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(150, "user-1");
        string? kept = null;
        var options = new BulkDeleteOptions
        {
            PageSize = 50,
            Verify = false,
            ShouldSkip = id =>
            {
                if (kept is not null)
                {
                    return false;
                }

                kept = id;
                foreach (var other in ids)
                {
                    if (other != id)
                    {
                        service.TouchDify(other, "user-1");
                    }
                }

                return true;
            },
        };

        var report = await TestClients.Create(ConversationApiDialect.Dify, service).EraseUserAsync("user-1", options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Skipped, Is.EqualTo(1));
            Assert.That(report.Deleted, Is.EqualTo(149), "every conversation but the one left alone");
            Assert.That(service.Count, Is.EqualTo(1));
            Assert.That(report.IsComplete, Is.True);
        }
    }
}
