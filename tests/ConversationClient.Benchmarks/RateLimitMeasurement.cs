using System.Diagnostics;
using System.Globalization;
using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Benchmarks;

/// <summary>
/// Batch pacing under a rate limit (issue 15), measured, not timed in a test: for each wait-header form the emulator's
/// rate limit can send (seconds, ms, date, none) on both dialects, a fresh in-process emulator allows
/// <see cref="Settings.Rate"/> deletes a second with a burst of <see cref="Settings.Burst"/>, holds
/// <see cref="Settings.Conversations"/> conversations of one user, and <c>EraseUserAsync</c> erases them with default
/// options. Run by <c>eng/rate-limit.sh</c> (<c>--rate-limit</c>), which prints a Markdown table.
/// </summary>
/// <remarks>
/// Each deleted once: no DELETE was answered 404 (a second delete of a deleted conversation would be) and the report's
/// Deleted equals the emulator's count. Achieved / allowed is the least time the limit allows for the deletes beyond the burst, over the time the erasure
/// took: ((deleted − burst) / rate) / time. The bucket starts full, so an erasure that spends the burst at once and then
/// keeps to the rate reads 1.0 (a little more, as the bucket refills while the burst is spent); the listing's time is in
/// the time. Refused share is the rate limit's 429s over all DELETE requests the emulator received.
/// </remarks>
internal static class RateLimitMeasurement
{
    private const string User = "rate-limited-user";

    /// <summary>What one run measures.</summary>
    public sealed record Settings(int Conversations = 2_000, double Rate = 250, int Burst = 250, TimeSpan? Timeout = null);

    private sealed record Row(string Form, string Dialect, TimeSpan Time, double AchievedOverAllowed, double RefusedShare,
        long DeleteRequests, long Refused, int Left, bool EachDeletedOnce, long Deleted, long NotFound, EraseReport Report);

    /// <summary>Runs every form on both dialects, prints the table, and returns 0 when every goal of the issue is met, 1 otherwise.</summary>
    public static async Task<int> RunAsync(Settings settings, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Batch pacing under a rate limit: {settings.Conversations:N0} conversations of one user, {settings.Rate:0.##} deletes/s allowed, burst {settings.Burst}, EraseUserAsync with default options"));
        await output.WriteLineAsync();
        await output.WriteLineAsync("| wait header | dialect | time | achieved / allowed | refused share of DELETEs | left on the server | each deleted once | IsComplete | report |");
        await output.WriteLineAsync("|---|---|---:|---:|---:|---:|---|---|---|");
        var allMet = true;
        foreach (var form in Enum.GetValues<RateLimitWaitHeader>())
        {
            foreach (var dify in new[] { false, true })
            {
                var row = await MeasureAsync(settings, form, dify);
                allMet &= row.Left == 0 && row.EachDeletedOnce && row.Report.IsComplete && row.AchievedOverAllowed >= 0.9 && row.RefusedShare <= 0.05;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Form} | {row.Dialect} | {row.Time.TotalSeconds:0.0} s | {row.AchievedOverAllowed:0.00} | {row.RefusedShare:P1} ({row.Refused:N0} of {row.DeleteRequests:N0}) | {row.Left} | {(row.EachDeletedOnce ? "yes" : $"no ({row.Deleted:N0} deleted, {row.NotFound} answered 404)")} | {(row.Report.IsComplete ? "true" : "false")} | {row.Report} |"));
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(allMet
            ? "Every goal met: nothing left, each deleted once, IsComplete, achieved >= 0.9x allowed, refused <= 5%."
            : "Some goals not met (goals: nothing left, each deleted once, IsComplete, achieved >= 0.9x allowed, refused <= 5%).");
        return allMet ? 0 : 1;
    }

    private static async Task<Row> MeasureAsync(Settings settings, RateLimitWaitHeader form, bool dify)
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        var options = dify
            ? new ConversationClientOptions { Dialect = ConversationApiDialect.Dify, BaseAddress = emulator.DifyBaseAddress, ApiKey = emulator.DifyApiKey }
            : new ConversationClientOptions
            {
                // The Azure AI Foundry path: OpenAI's public API has no list operation, and Foundry is the service that sends retry-after-ms.
                Dialect = ConversationApiDialect.OpenAI, BaseAddress = emulator.AzureBaseAddress, ApiKey = emulator.OpenAIApiKey, ApiKeyHeaderName = "api-key",
            };
        if (dify)
        {
            emulator.SeedDifyConversations(settings.Conversations, User);
        }
        else
        {
            emulator.SeedOpenAIConversations(settings.Conversations, User);
        }

        var client = ConversationClientFactory.Create(options);

        // A warm-up outside the limit and the counters: the first call of a process pays for JIT and the connection.
        await client.DeleteAsync(dify ? Guid.NewGuid().ToString("D") : "conv_warmup", User);
        emulator.ResetCounters();
        emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = settings.Rate, Burst = settings.Burst, WaitHeader = form });

        using var timeout = new CancellationTokenSource(settings.Timeout ?? TimeSpan.FromMinutes(3));
        var stopwatch = Stopwatch.StartNew();
        var report = await client.EraseUserAsync(User, cancellationToken: timeout.Token);
        var time = stopwatch.Elapsed;

        var counters = emulator.GetCounters();
        var left = dify ? emulator.CountDifyConversations(User) : emulator.CountOpenAIConversations(User);
        var ideal = Math.Max(0, counters.ConversationsDeleted - settings.Burst) / settings.Rate;
        return new Row(
            EmulatorWaitHeaderName(form),
            dify ? "Dify" : "OpenAI (Foundry)",
            time,
            ideal / time.TotalSeconds,
            counters.DeleteRequests == 0 ? 0 : (double)counters.DeletesRateLimited / counters.DeleteRequests,
            counters.DeleteRequests,
            counters.DeletesRateLimited,
            left,
            counters.DeletesNotFound == 0 && report.Deleted == counters.ConversationsDeleted,
            counters.ConversationsDeleted,
            counters.DeletesNotFound,
            report);
    }

    private static string EmulatorWaitHeaderName(RateLimitWaitHeader form) => form switch
    {
        RateLimitWaitHeader.Seconds => "seconds (`Retry-After: 1`)",
        RateLimitWaitHeader.Milliseconds => "ms (`retry-after-ms` + `Retry-After`)",
        RateLimitWaitHeader.Date => "date (`Retry-After: <HTTP date>`)",
        _ => "none",
    };
}
