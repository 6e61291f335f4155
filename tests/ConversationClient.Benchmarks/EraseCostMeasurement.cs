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
    public sealed record Settings(int Conversations = 1_000, int ItemsEach = 20, double Rate = 250, int Burst = 250,
        double ReadRate = 200, int ReadBurst = 200, int LargeConversations = 10_000, int LargeItemsEach = 100, bool Erase = true, bool Export = true,
        TimeSpan? Timeout = null);

    /// <summary>One export, measured.</summary>
    public sealed record ExportRow(string Dialect, int Conversations, int ItemsEach, TimeSpan Time, long ReadsPassed, double AchievedOverAllowed,
        double RefusedShare, long ReadRequests, long Refused, int Exported, long Items, int DeletedDuringExport, long LiveAboveBaseline,
        long PeakAboveBaseline)
    {
        /// <summary>Every conversation and item exported, at least 0.9x the allowed read rate with at most 5% refused.</summary>
        public bool GoalsMet => Exported == Conversations && Items == (long)Conversations * ItemsEach && DeletedDuringExport == 0
            && AchievedOverAllowed >= 0.9 && RefusedShare <= 0.05;
    }

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
        var eraseMet = !settings.Erase || await RunEraseAsync(settings, output);
        var exportMet = !settings.Export || await RunExportAsync(settings, output);
        return eraseMet && exportMet ? 0 : 1;
    }

    private static async Task<bool> RunEraseAsync(Settings settings, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Complete erasure under a rate limit: {settings.Conversations:N0} conversations of one user with {settings.ItemsEach} items (OpenAI) or messages (Dify) each, {settings.Rate:0.##} DELETEs/s allowed, burst {settings.Burst}, EraseUserAsync with default options (DeleteItems, Verify)"));
        await output.WriteLineAsync();
        await output.WriteLineAsync("| dialect | wait header | time | DELETEs let through | achieved / allowed | refused share of DELETEs | item pages | GETs of a conversation | conversations left | items left stored | IsComplete / Verified |");
        await output.WriteLineAsync("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var allMet = true;
        foreach (var (dify, form) in EraseCases)
        {
            var row = await MeasureEraseAsync(settings, dify, form);
            allMet &= row.GoalsMet;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Dialect} | {WaitHeaderName(form)} | {row.Time.TotalSeconds:0.0} s | {row.DeletesPassed:N0} | {row.AchievedOverAllowed:0.00} | {row.RefusedShare:P1} ({row.Refused:N0} of {row.DeleteRequests:N0}) | {row.ItemPages:N0} | {row.Gets:N0} | {row.ConversationsLeft} | {row.ItemsLeftStored} | {(row.Report.IsComplete ? "true" : "false")} / {(row.Report.Verified ? "true" : "false")} |"));
            if (!row.Report.IsComplete)
            {
                await output.WriteLineAsync($"|   | {row.Report} |");
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(allMet
            ? "Erasure: every goal met: nothing left (conversations, items stored), IsComplete and Verified, achieved >= 0.9x allowed, refused <= 5%."
            : "Erasure: some goals not met (goals: nothing left (conversations, items stored), IsComplete and Verified, achieved >= 0.9x allowed, refused <= 5%).");
        await output.WriteLineAsync();
        return allMet;
    }

    private static async Task<bool> RunExportAsync(Settings settings, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Export under a read limit: ExportUserAsync of one user, {settings.ReadRate:0.##} reads/s allowed (GET: list pages, item and message pages), burst {settings.ReadBurst}, wait header `retry-after-ms`; memory: the managed heap above the seeded emulator's (baseline after a full GC)"));
        await output.WriteLineAsync();
        await output.WriteLineAsync("| dialect | user | time | reads let through | achieved / allowed | refused share of reads | conversations / items exported | live heap above baseline (max of 3 full GCs) | peak heap above baseline (sampled) |");
        await output.WriteLineAsync("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var exportMet = true;
        foreach (var dify in new[] { false, true })
        {
            var small = await MeasureExportAsync(settings, dify, settings.Conversations, settings.ItemsEach);
            await WriteExportRowAsync(output, small);
            var large = await MeasureExportAsync(settings, dify, settings.LargeConversations, settings.LargeItemsEach);
            await WriteExportRowAsync(output, large);

            // Flat: the user with 50 times the conversations and 5 times the items each needs about the memory of the small one.
            var flat = large.LiveAboveBaseline <= Math.Max(2 * small.LiveAboveBaseline, small.LiveAboveBaseline + (4 << 20));
            exportMet &= small.GoalsMet && large.GoalsMet && flat;
            if (!flat)
            {
                await output.WriteLineAsync($"|   | memory not flat: {MiB(large.LiveAboveBaseline)} for the large user against {MiB(small.LiveAboveBaseline)} |");
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(exportMet
            ? "Export: every goal met: everything exported, achieved >= 0.9x the allowed read rate, refused <= 5%, live heap of the large user at most twice the small one's (or 4 MiB more)."
            : "Export: some goals not met (goals: everything exported, achieved >= 0.9x the allowed read rate, refused <= 5%, live heap of the large user at most twice the small one's (or 4 MiB more)).");
        await output.WriteLineAsync();
        return exportMet;
    }

    private static Task WriteExportRowAsync(TextWriter output, ExportRow row) => output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"| {row.Dialect} | {row.Conversations:N0} x {row.ItemsEach} | {row.Time.TotalSeconds:0.0} s | {row.ReadsPassed:N0} | {row.AchievedOverAllowed:0.00} | {row.RefusedShare:P1} ({row.Refused:N0} of {row.ReadRequests:N0}) | {row.Exported:N0} / {row.Items:N0}{(row.DeletedDuringExport > 0 ? $" ({row.DeletedDuringExport} deleted meanwhile)" : string.Empty)} | {MiB(row.LiveAboveBaseline)} | {MiB(row.PeakAboveBaseline)} |"));

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    /// <summary>
    /// One export on a fresh emulator. The stopwatch stops during the three forced full collections that sample the live
    /// heap (at a quarter, half and three quarters of the conversations): they are the measurement's cost, not the export's.
    /// </summary>
    public static async Task<ExportRow> MeasureExportAsync(Settings settings, bool dify, int conversations, int itemsEach)
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        if (dify)
        {
            emulator.SeedDifyConversations(conversations, User, itemsEach);
        }
        else
        {
            emulator.SeedOpenAIConversations(conversations, User, itemsEach);
        }

        var client = ConversationClientFactory.Create(ClientOptions(emulator, dify));
        await foreach (var warmUp in client.ExportUserAsync(User))
        {
            // The first call of a process pays for JIT and the connection: one conversation, outside the counters.
            _ = warmUp;
            break;
        }

        emulator.ResetCounters();
        emulator.SetRateLimit(new ServiceRateLimitOptions { ReadsPerSecond = settings.ReadRate, ReadBurst = settings.ReadBurst, WaitHeader = RateLimitWaitHeader.Milliseconds });
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampler = new Timer(_ =>
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            if (now > Interlocked.Read(ref peak))
            {
                Interlocked.Exchange(ref peak, now);
            }
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

        using var timeout = new CancellationTokenSource(settings.Timeout ?? TimeSpan.FromMinutes(10));
        long live = 0, items = 0;
        int exported = 0, deletedMeanwhile = 0;
        var stopwatch = Stopwatch.StartNew();
        await foreach (var export in client.ExportUserAsync(User, timeout.Token))
        {
            exported++;
            items += export.Items.Count;
            deletedMeanwhile += export.DeletedDuringExport ? 1 : 0;
            if (exported % Math.Max(1, conversations / 4) == 0 && exported < conversations)
            {
                stopwatch.Stop();
                live = Math.Max(live, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                stopwatch.Start();
            }
        }

        var time = stopwatch.Elapsed;
        var counters = emulator.GetCounters();
        var passed = counters.ReadRequests - counters.ReadsRateLimited;
        var ideal = Math.Max(0, passed - settings.ReadBurst) / settings.ReadRate;
        return new ExportRow(
            dify ? "Dify" : "OpenAI (Foundry)",
            conversations,
            itemsEach,
            time,
            passed,
            ideal / time.TotalSeconds,
            counters.ReadRequests == 0 ? 0 : (double)counters.ReadsRateLimited / counters.ReadRequests,
            counters.ReadRequests,
            counters.ReadsRateLimited,
            exported,
            items,
            deletedMeanwhile,
            live,
            Math.Max(0, Interlocked.Read(ref peak) - baseline));
    }

    /// <summary>
    /// Each dialect with Azure's <c>retry-after-ms</c> (what Azure AI Foundry sends) and whole seconds (OpenAI's
    /// documented <c>Retry-After</c>, and what a Dify behind a proxy most often sends).
    /// </summary>
    private static readonly (bool Dify, RateLimitWaitHeader Form)[] EraseCases =
    [
        (false, RateLimitWaitHeader.Milliseconds), (false, RateLimitWaitHeader.Seconds),
        (true, RateLimitWaitHeader.Milliseconds), (true, RateLimitWaitHeader.Seconds),
    ];

    /// <summary>One erasure on a fresh emulator.</summary>
    public static async Task<EraseRow> MeasureEraseAsync(Settings settings, bool dify, RateLimitWaitHeader form)
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
        emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = settings.Rate, Burst = settings.Burst, WaitHeader = form });

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

    private static string WaitHeaderName(RateLimitWaitHeader form) => form == RateLimitWaitHeader.Milliseconds ? "`retry-after-ms`" : "`Retry-After: 1`";

    private static ConversationClientOptions ClientOptions(ConversationEmulator emulator, bool dify) => dify
        ? new ConversationClientOptions { Dialect = ConversationApiDialect.Dify, BaseAddress = emulator.DifyBaseAddress, ApiKey = emulator.DifyApiKey }
        : new ConversationClientOptions
        {
            // The Azure AI Foundry path: OpenAI's public API has no list operation.
            Dialect = ConversationApiDialect.OpenAI, BaseAddress = emulator.AzureBaseAddress, ApiKey = emulator.OpenAIApiKey, ApiKeyHeaderName = "api-key",
        };
}
