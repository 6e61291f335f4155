using System.Diagnostics;
using System.Globalization;
using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The cost of a complete erasure under a rate limit (issue 27), measured, not timed in a test: a fresh in-process
/// emulator allows <see cref="Settings.Rate"/> DELETE requests a second with a burst of <see cref="Settings.Burst"/>
/// (item deletes share the bucket with conversation deletes, as on the real services), holds
/// <see cref="Settings.Conversations"/> conversations of one user with <see cref="Settings.ItemsEach"/> items or
/// messages each, and <c>EraseUserAsync</c> erases them with default options (items deleted first, each conversation
/// verified gone). Run by <c>eng/erase-cost.sh</c> (<c>--erase-cost</c>), which prints Markdown tables.
/// </summary>
/// <remarks>
/// Achieved / allowed is the least time the limit allows for the DELETEs beyond the burst, over the time the erasure
/// took: ((DELETEs let through − burst) / rate) / time; the listings, item pages and verification GETs are in the time
/// (they are not rate limited). Refused share is the rate limit's 429s over all DELETE requests. Items left stored are
/// the items of deleted conversations that the service keeps and the API can no longer reach (OpenAI dialect).
/// </remarks>
internal static class EraseCostMeasurement
{
    private const string User = "erase-cost-user";

    /// <summary>What one run measures.</summary>
    public sealed record Settings(int Conversations = 1_000, int ItemsEach = 20, double Rate = 250, int Burst = 250, TimeSpan? Timeout = null);

    /// <summary>One dialect's erasure, measured.</summary>
    public sealed record EraseRow(string Dialect, TimeSpan Time, long DeletesPassed, double AchievedOverAllowed, double RefusedShare,
        long DeleteRequests, long Refused, long ItemPages, long Gets, int ConversationsLeft, int ItemsLeftStored, EraseReport Report)
    {
        /// <summary>Nothing left, complete and verified, at least 0.9x the allowed rate with at most 5% refused.</summary>
        public bool GoalsMet => ConversationsLeft == 0 && ItemsLeftStored == 0 && Report.IsComplete && Report.Verified
            && AchievedOverAllowed >= 0.9 && RefusedShare <= 0.05;
    }

    /// <summary>Runs the erasure on both dialects, prints the table, and returns 0 when every goal is met, 1 otherwise.</summary>
    public static async Task<int> RunAsync(Settings settings, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Complete erasure under a rate limit: {settings.Conversations:N0} conversations of one user with {settings.ItemsEach} items (OpenAI) or messages (Dify) each, {settings.Rate:0.##} DELETEs/s allowed, burst {settings.Burst}, EraseUserAsync with default options (DeleteItems, Verify)"));
        await output.WriteLineAsync();
        await output.WriteLineAsync("| dialect | time | DELETEs let through | achieved / allowed | refused share of DELETEs | item pages | GETs of a conversation | conversations left | items left stored | IsComplete / Verified |");
        await output.WriteLineAsync("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var allMet = true;
        foreach (var dify in new[] { false, true })
        {
            var row = await MeasureEraseAsync(settings, dify);
            allMet &= row.GoalsMet;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Dialect} | {row.Time.TotalSeconds:0.0} s | {row.DeletesPassed:N0} | {row.AchievedOverAllowed:0.00} | {row.RefusedShare:P1} ({row.Refused:N0} of {row.DeleteRequests:N0}) | {row.ItemPages:N0} | {row.Gets:N0} | {row.ConversationsLeft} | {row.ItemsLeftStored} | {(row.Report.IsComplete ? "true" : "false")} / {(row.Report.Verified ? "true" : "false")} |"));
            if (!row.Report.IsComplete)
            {
                await output.WriteLineAsync($"|   | {row.Report} |");
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(allMet
            ? "Erasure: every goal met: nothing left (conversations, items stored), IsComplete and Verified, achieved >= 0.9x allowed, refused <= 5%."
            : "Erasure: some goals not met (goals: nothing left (conversations, items stored), IsComplete and Verified, achieved >= 0.9x allowed, refused <= 5%).");
        return allMet ? 0 : 1;
    }

    /// <summary>One erasure on a fresh emulator.</summary>
    public static async Task<EraseRow> MeasureEraseAsync(Settings settings, bool dify)
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        var options = ClientOptions(emulator, dify);
        if (dify)
        {
            emulator.SeedDifyConversations(settings.Conversations, User, settings.ItemsEach);
        }
        else
        {
            emulator.SeedOpenAIConversations(settings.Conversations, User, settings.ItemsEach);
        }

        var client = ConversationClientFactory.Create(options);

        // A warm-up outside the limit and the counters: the first call of a process pays for JIT and the connection.
        await client.DeleteAsync(dify ? Guid.NewGuid().ToString("D") : "conv_warmup", User);
        emulator.ResetCounters();
        emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = settings.Rate, Burst = settings.Burst });

        using var timeout = new CancellationTokenSource(settings.Timeout ?? TimeSpan.FromMinutes(10));
        var stopwatch = Stopwatch.StartNew();
        var report = await client.EraseUserAsync(User, cancellationToken: timeout.Token);
        var time = stopwatch.Elapsed;

        var counters = emulator.GetCounters();
        var passed = counters.ConversationsDeleted + counters.ItemsDeleted;
        var ideal = Math.Max(0, passed - settings.Burst) / settings.Rate;
        return new EraseRow(
            dify ? "Dify" : "OpenAI (Foundry)",
            time,
            passed,
            ideal / time.TotalSeconds,
            counters.DeleteRequests == 0 ? 0 : (double)counters.DeletesRateLimited / counters.DeleteRequests,
            counters.DeleteRequests,
            counters.DeletesRateLimited,
            counters.ItemListPages,
            counters.ConversationGets,
            dify ? emulator.CountDifyConversations(User) : emulator.CountOpenAIConversations(User),
            dify ? 0 : emulator.CountOrphanedOpenAIItems(User),
            report);
    }

    private static ConversationClientOptions ClientOptions(ConversationEmulator emulator, bool dify) => dify
        ? new ConversationClientOptions { Dialect = ConversationApiDialect.Dify, BaseAddress = emulator.DifyBaseAddress, ApiKey = emulator.DifyApiKey }
        : new ConversationClientOptions
        {
            // The Azure AI Foundry path: OpenAI's public API has no list operation.
            Dialect = ConversationApiDialect.OpenAI, BaseAddress = emulator.AzureBaseAddress, ApiKey = emulator.OpenAIApiKey, ApiKeyHeaderName = "api-key",
        };
}
