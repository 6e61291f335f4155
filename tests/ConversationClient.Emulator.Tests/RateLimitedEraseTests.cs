using ConversationClient.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>
/// Issue 15's goals that a test can hold without timing anything: erasing 2,000 conversations of one user under the
/// emulator's rate limit (250 deletes/s, burst one second's worth), with default options, under each wait-header form
/// on both dialects, leaves nothing, deletes each conversation once, is complete, and at most 5% of the DELETE requests
/// are refused. The rate achieved is measured by <c>eng/rate-limit.sh</c>, not here. Each case takes about 8 s (the
/// limit's pace), so the cases run two at a time, each on its own emulator.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class RateLimitedEraseTests
{
    private const int Conversations = 2_000;
    private const string User = "rate-limited-user";

    [TestCase(RateLimitWaitHeader.Seconds, false)]
    [TestCase(RateLimitWaitHeader.Seconds, true)]
    [TestCase(RateLimitWaitHeader.Milliseconds, false)]
    [TestCase(RateLimitWaitHeader.Milliseconds, true)]
    [TestCase(RateLimitWaitHeader.Date, false)]
    [TestCase(RateLimitWaitHeader.Date, true)]
    [TestCase(RateLimitWaitHeader.None, false)]
    [TestCase(RateLimitWaitHeader.None, true)]
    public async Task EraseUserAsync_UnderTheRateLimit_LeavesNothing_DeletesEachOnce_FewRefused(RateLimitWaitHeader waitHeader, bool dify)
    {
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions
        {
            RateLimit = { DeletesPerSecond = 250, WaitHeader = waitHeader },
        });
        var options = new ConversationClientOptions();
        if (dify)
        {
            emulator.SeedDifyConversations(Conversations, User);
            (options.Dialect, options.BaseAddress, options.ApiKey) = (ConversationApiDialect.Dify, emulator.DifyBaseAddress, emulator.DifyApiKey);
        }
        else
        {
            // Azure AI Foundry's path: it lists (OpenAI's public API does not), and it is the service that sends retry-after-ms.
            emulator.SeedOpenAIConversations(Conversations, User);
            (options.Dialect, options.BaseAddress, options.ApiKey, options.ApiKeyHeaderName) =
                (ConversationApiDialect.OpenAI, emulator.AzureBaseAddress, emulator.OpenAIApiKey, "api-key");
        }

        var report = await ConversationClientFactory.Create(options).EraseUserAsync(User);

        var counters = emulator.GetCounters();
        var left = dify ? emulator.CountDifyConversations(User) : emulator.CountOpenAIConversations(User);
        var refusedShare = (double)counters.DeletesRateLimited / counters.DeleteRequests;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(left, Is.Zero, "nothing left on the server");
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Deleted, Is.EqualTo(Conversations), report.ToString());
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(Conversations));
            Assert.That(counters.DeletesNotFound, Is.Zero, "no conversation deleted twice (a second delete would be answered 404)");
            Assert.That(refusedShare, Is.LessThanOrEqualTo(0.05),
                $"{counters.DeletesRateLimited} of {counters.DeleteRequests} DELETE requests refused with 429");
        }
    }
}
