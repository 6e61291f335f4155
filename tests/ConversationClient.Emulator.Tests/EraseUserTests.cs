using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>Bulk deletion and erasure through the SDK against the emulator over loopback, with injected faults.</summary>
public sealed class EraseUserTests : EmulatorTestBase
{
    private static void FastRetries(ConversationClientOptions options)
    {
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxRetries = 8;
    }

    [Test]
    public async Task EraseUserAsync_10000DifyConversationsWith503sAnd429s_DeletesEachExactlyOnce()
    {
        Emulator.SeedDifyConversations(10_000, "alice");
        var bystander = Emulator.SeedDifyConversation("bob");
        Emulator.SetFaults(new ServiceFaultOptions
        {
            Method = "DELETE", FailureRate = 0.05, TooManyRequestsRate = 0.01, RetryAfter = TimeSpan.FromMilliseconds(20), Seed = 7,
        });
        var last = default(EraseProgress);

        var report = await DifyClient(FastRetries).EraseUserAsync("alice", new BulkDeleteOptions { MaxConcurrency = 16 },
            new InlineProgress(p => last = p));

        var counters = Emulator.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Listed, Is.EqualTo(10_000));
            Assert.That(report.Deleted, Is.EqualTo(10_000));
            Assert.That(report.NotFound, Is.Zero);
            Assert.That(report.Failures, Is.Empty);
            Assert.That(last with { Retries = 0 }, Is.EqualTo(new EraseProgress(10_000, 10_000, 0, 0)));
            Assert.That(last.Retries, Is.GreaterThan(0).And.LessThanOrEqualTo(counters.FaultsInjected), "each retry answers a fault");
            Assert.That(Emulator.CountDifyConversations("alice"), Is.Zero);
            Assert.That(Emulator.DifyConversationExists(bystander, "bob"), Is.True, "another user's conversation is untouched");
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(10_000), "no conversation deleted twice");
            Assert.That(counters.DeletesNotFound, Is.Zero, "no delete sent for a conversation already gone");
            Assert.That(counters.FaultsInjected, Is.GreaterThan(300), "the faults did happen");
        }
    }

    [Test]
    public async Task EraseUserAsync_AzureIsolationKey_ErasesOnlyThatUser()
    {
        Emulator.SeedOpenAIConversations(450, "user-a");
        Emulator.SeedOpenAIConversations(30, "user-b");
        Emulator.SetFaults(new ServiceFaultOptions { Method = "DELETE", FailureRate = 0.05, Seed = 3 });

        var report = await AzureClient(FastRetries).EraseUserAsync("user-a", new BulkDeleteOptions { PageSize = 50, MaxConcurrency = 8 });

        Assert.That(report.IsComplete, Is.True, report.ToString());
        Assert.That(report.Deleted, Is.EqualTo(450));
        Assert.That(Emulator.CountOpenAIConversations("user-a"), Is.Zero);
        Assert.That(Emulator.CountOpenAIConversations("user-b"), Is.EqualTo(30));
    }

    [Test]
    public async Task DeleteManyAsync_WithDuplicatesAndFaults_ReportsEveryIdOnce()
    {
        var ids = Emulator.SeedDifyConversations(2_000, "alice");
        Emulator.SetFaults(new ServiceFaultOptions { Method = "DELETE", FailureRate = 0.05, TooManyRequestsRate = 0.02, RetryAfter = TimeSpan.FromMilliseconds(10), Seed = 11 });

        // A UUID, as Dify's ids are: Dify's route does not match another id at all.
        const string missing = "00000000-0000-4000-8000-000000000000";
        var results = await DifyClient(FastRetries)
            .DeleteManyAsync(ids.Concat(ids.Take(100)).Append(missing), "alice", new BulkDeleteOptions { MaxConcurrency = 32 })
            .ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results, Has.Count.EqualTo(2_001));
            Assert.That(results.Select(r => r.ConversationId), Is.Unique);
            Assert.That(results.Count(r => r.Outcome == DeleteConversationOutcome.Deleted), Is.EqualTo(2_000));
            Assert.That(results.Single(r => r.ConversationId == missing).Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(Emulator.GetCounters().ConversationsDeleted, Is.EqualTo(2_000));
        }
    }

    [Test]
    public void ListAsync_OpenAIWithoutListing_ThrowsSayingSo()
    {
        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await OpenAIClient().ListAsync().ToListAsync());

        Assert.That(ex!.Message, Does.Contain("no list operation"));
    }

    private sealed class InlineProgress(Action<EraseProgress> report) : IProgress<EraseProgress>
    {
        public void Report(EraseProgress value) => report(value);
    }
}
