using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConversationClient;
using ConversationClient.Emulator;
using ConversationClient.Testing;
using Samples;
using Spectre.Console;

namespace EraseUser;

/// <summary>
/// Erases every conversation of one user with a live progress bar, then prints the report. With no service configured
/// it seeds the in-process emulator with a few hundred conversations and injects 503s and 429s along the way.
/// </summary>
public static class EraseUserApp
{
    public const string Usage = """
        Usage: dotnet run --project samples/EraseUser [-- [--service openai|azure|dify] --user <user> --yes [--concurrency N] [--export-first FILE]]
               dotnet run --project samples/EraseUser [-- --rate-limit <deletes/s> [--wait-header seconds|ms|date|none]]

        With no service configured, erases a demo user on the in-process emulator (no account needed).
        --rate-limit makes the emulator allow only that many deletes a second (burst: one second's worth) and answer 429
        beyond it, with the wait in the --wait-header form (default seconds; ms is Azure's retry-after-ms), instead of
        the random 503s and 429s: the erasure then shows how the batch paces itself, and the refused share.
        --export-first FILE writes the user's conversations with all their items (Dify: messages) to FILE as JSON Lines
        first, and erases only the conversations exported; nothing is erased if the export fails.
        To erase a user on a real service, set its variables (as for the QuickStart), pass the user (or set
        CONVERSATION_USER) and confirm with --yes: every conversation of that user is deleted.
          OpenAI dialect: listing needs Azure AI Foundry (OpenAI's public API has no list operation);
                          the user is the x-ms-user-isolation-key.
          Dify:           the user is the Dify end-user id.
        """;

    private const string DemoUser = "demo-user";
    private const int DemoConversations = 300;

    public static async Task<int> RunAsync(string[] args, Func<string, string?> environment, IAnsiConsole console)
    {
        string? service = null, user = null;
        var confirmed = false;
        var concurrency = new BulkDeleteOptions().MaxConcurrency;
        ServiceRateLimitOptions? rateLimit = null;
        string? exportPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    console.WriteLine(Usage);
                    return 0;
                case "--yes":
                    confirmed = true;
                    break;
                case "--service" when i + 1 < args.Length:
                    service = args[++i].ToLowerInvariant();
                    break;
                case "--user" when i + 1 < args.Length:
                    user = args[++i];
                    break;
                case "--export-first" when i + 1 < args.Length:
                    exportPath = args[++i];
                    break;
                case "--concurrency" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n is >= 1 and <= 64:
                    concurrency = n;
                    i++;
                    break;
                case "--rate-limit" when i + 1 < args.Length
                    && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is > 0 and <= 10_000:
                    rateLimit ??= new ServiceRateLimitOptions();
                    rateLimit.DeletesPerSecond = rate;
                    i++;
                    break;
                case "--wait-header" when i + 1 < args.Length && WaitHeaders.TryGetValue(args[i + 1], out var form):
                    rateLimit ??= new ServiceRateLimitOptions();
                    rateLimit.WaitHeader = form;
                    i++;
                    break;
                default:
                    return Fail(console, $"Unknown or incomplete argument: {args[i]}");
            }
        }

        var configured = SampleServices.FromEnvironment(environment, out var problem);
        if (problem is not null)
        {
            console.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
            return 2;
        }

        if (service is null && configured.Count == 0 && user is null)
        {
            return rateLimit is null
                ? await RunOnEmulatorAsync(console, concurrency, exportPath)
                : rateLimit.IsActive
                    ? await RunRateLimitedOnEmulatorAsync(console, concurrency, rateLimit)
                    : Fail(console, "--wait-header needs --rate-limit.");
        }

        if (rateLimit is not null)
        {
            return Fail(console, "--rate-limit and --wait-header are for the in-process emulator: a real service has its own limit.");
        }

        if (SampleServices.Pick(configured, service, out var name) is not { } options)
        {
            return Fail(console, name);
        }

        user ??= environment("CONVERSATION_USER");
        if (string.IsNullOrWhiteSpace(user))
        {
            return Fail(console, "Missing the user: pass --user or set CONVERSATION_USER.");
        }

        if (!confirmed)
        {
            return Fail(console, $"This deletes every conversation of the user on {options.BaseAddress}. Pass --yes to confirm.");
        }

        var report = await EraseWithProgressAsync(console, ConversationClientFactory.Create(options), user, concurrency, exportPath);
        return report?.IsComplete == true ? 0 : 1;
    }

    private static async Task<int> RunOnEmulatorAsync(IAnsiConsole console, int concurrency, string? exportPath)
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        emulator.SeedDifyConversations(DemoConversations, DemoUser, messagesEach: 2);
        emulator.SetFaults(new ServiceFaultOptions
        {
            Method = "DELETE",
            FailureRate = 0.05,
            TooManyRequestsRate = 0.02,
            RetryAfter = TimeSpan.FromMilliseconds(300),
            Latency = TimeSpan.FromMilliseconds(5),
        });
        console.MarkupLine($"No service configured: erasing [bold]{DemoUser}[/] on the in-process emulator at {emulator.BaseAddress} (see --help).");
        console.MarkupLine($"{DemoConversations} Dify conversations of 2 messages each; about 5% of deletes answer 503 and 2% answer 429 with Retry-After.");
        console.WriteLine();

        var options = SampleServices.Options(ConversationServicePreset.Dify, emulator.DifyBaseAddress, emulator.DifyApiKey);
        // The demo's faults are independent and far denser than a real service's: with the default 3 retries one of the
        // 300 deletes fails all four attempts (0.05^4) in about one run of 500; with 6 retries, about one in four million.
        options.Retry.MaxRetries = 6;
        var report = await EraseWithProgressAsync(console, ConversationClientFactory.Create(options), DemoUser, concurrency, exportPath);
        if (report is null)
        {
            return 1;
        }

        var left = emulator.CountDifyConversations(DemoUser);
        console.MarkupLine(report.IsComplete && left == 0
            ? "[green]Every conversation is accounted for, and none is left on the service.[/]"
            : $"[yellow]{left} conversations are left: run the erasure again to finish the job.[/]");
        return report.IsComplete && left == 0 ? 0 : 1;
    }

    private static async Task<int> RunRateLimitedOnEmulatorAsync(IAnsiConsole console, int concurrency, ServiceRateLimitOptions rateLimit)
    {
        // Four seconds' worth beyond the burst, so that the pacing shows for a few seconds.
        var conversations = (int)Math.Max(DemoConversations, Math.Ceiling(rateLimit.DeletesPerSecond * 5));
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions { RateLimit = rateLimit });
        emulator.SeedDifyConversations(conversations, DemoUser);
        console.MarkupLine($"No service configured: erasing [bold]{DemoUser}[/] on the in-process emulator at {emulator.BaseAddress} (see --help).");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{conversations} Dify conversations; the emulator allows {rateLimit.DeletesPerSecond:0.##} deletes/s (burst one second's worth) and answers 429 beyond it, wait header: {WaitHeaders.First(h => h.Value == rateLimit.WaitHeader).Key}."));
        console.WriteLine();

        var options = SampleServices.Options(ConversationServicePreset.Dify, emulator.DifyBaseAddress, emulator.DifyApiKey);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var report = (await EraseWithProgressAsync(console, ConversationClientFactory.Create(options), DemoUser, concurrency, exportPath: null))!;
        var seconds = stopwatch.Elapsed.TotalSeconds;

        var counters = emulator.GetCounters();
        var left = emulator.CountDifyConversations(DemoUser);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{counters.ConversationsDeleted} deleted in {seconds:0.0} s ({counters.ConversationsDeleted / seconds:0} deletes/s)."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The rate limit refused {counters.DeletesRateLimited} of {counters.DeleteRequests} DELETE requests ({(double)counters.DeletesRateLimited / Math.Max(1, counters.DeleteRequests):P1})."));
        console.MarkupLine(report.IsComplete && left == 0
            ? "[green]Every conversation is accounted for, and none is left on the service.[/]"
            : $"[yellow]{left} conversations are left: run the erasure again to finish the job.[/]");
        return report.IsComplete && left == 0 ? 0 : 1;
    }

    /// <summary>The wait-header forms by their names on this sample's command line (the emulator's own names).</summary>
    private static readonly Dictionary<string, RateLimitWaitHeader> WaitHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["seconds"] = RateLimitWaitHeader.Seconds,
        ["ms"] = RateLimitWaitHeader.Milliseconds,
        ["date"] = RateLimitWaitHeader.Date,
        ["none"] = RateLimitWaitHeader.None,
    };

    /// <summary>Erases the user (after exporting it to <paramref name="exportPath"/>, when given); null when the export failed and nothing was erased.</summary>
    private static async Task<EraseReport?> EraseWithProgressAsync(IAnsiConsole console, IConversationClient client, string user, int concurrency,
        string? exportPath)
    {
        var erase = new BulkDeleteOptions { MaxConcurrency = concurrency };
        if (exportPath is not null)
        {
            HashSet<string> exported;
            try
            {
                exported = await ExportAsync(client, user, exportPath);
            }
            catch (ConversationApiException ex)
            {
                console.MarkupLine($"[red]The export failed, so nothing was erased:[/] {Markup.Escape(ex.Message)}");
                return null;
            }

            console.WriteLine($"Exported {exported.Count} conversations to {exportPath}.");
            // Only what was exported: a conversation made since is left alone (counted as skipped).
            erase.ShouldSkip = id => !exported.Contains(id);
        }

        // The progress shows what has happened to the conversations found so far - deleted, not found, failed, and
        // the retries the service's push-back cost - not a percentage: an erasure cannot know how many there are until
        // the listing ends.
        EraseReport? report = null;
        var retries = 0;
        await console.Status().StartAsync("Erasing: listing...", async context =>
        {
            var progress = new Progress<EraseProgress>(p =>
            {
                Interlocked.Exchange(ref retries, Math.Max(Volatile.Read(ref retries), p.Retries));
                context.Status(Markup.Escape(Describe(p)));
            });
            report = await client.EraseUserAsync(user, erase, progress);
        });
        console.WriteLine(Describe(new EraseProgress(report!.Listed, report.Deleted, report.NotFound, report.Failed)
        {
            Retries = Volatile.Read(ref retries),
        }));

        var summary = new Table().AddColumns("Listed", "Deleted", "Not found", "Failed", "Complete", "Items deleted", "Verified", "Skipped");
        summary.AddRow($"{report!.Listed}", $"{report.Deleted}", $"{report.NotFound}", $"{report.Failed}", report.IsComplete ? "yes" : "[yellow]no[/]",
            $"{report.ItemsDeleted}", report.Verified ? "yes" : "[yellow]no[/]", $"{report.Skipped}");
        console.Write(summary);
        if (report.StillPresent.Count > 0)
        {
            console.MarkupLine($"[yellow]Still present after their deletes:[/] {Markup.Escape(string.Join(", ", report.StillPresent))}");
        }

        if (report.Failures.Count > 0)
        {
            var failures = new Table().AddColumns("Conversation", "Status", "Attempts", "Error", "Request id");
            foreach (var failure in report.Failures)
            {
                failures.AddRow(Markup.Escape(failure.ConversationId), $"{failure.StatusCode}", $"{failure.Attempts}",
                    Markup.Escape(failure.Error?.ToString() ?? ""), Markup.Escape(failure.RequestId ?? ""));
            }

            console.Write(failures);
        }

        if (report.ListingError is { } listingError)
        {
            console.MarkupLine($"[yellow]The listing stopped early:[/] {Markup.Escape(listingError.ToString())}");
        }

        // What no erasure through the API reaches: tell whoever asked for the erasure.
        console.WriteLine("Not erasable through the API:");
        foreach (var limit in report.Limits)
        {
            console.WriteLine($"  - {limit.Description} (source: {limit.Source})");
        }

        return report;
    }

    /// <summary>
    /// Writes the user's conversations with all their items to <paramref name="path"/> as JSON Lines, the shape the
    /// conversations tool's export writes: a header (the user as its SHA-256, never the id), a line per conversation with
    /// each item's JSON as the service sent it, and a closing line with the counts. Written to FILE.partial and renamed
    /// once complete. Simpler than the tool: the header has no service and host, a conversation's line only its id, it
    /// returns the ids it exported instead of reading the file back, and writes no closing line when it fails (the
    /// .partial name says it is not complete).
    /// </summary>
    public static async Task<HashSet<string>> ExportAsync(IConversationClient client, string user, string path)
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        long conversations = 0, items = 0;
        var partial = path + ".partial";
        await using (var file = File.Create(partial))
        {
            void Line(Action<Utf8JsonWriter> write)
            {
                using (var json = new Utf8JsonWriter(file))
                {
                    json.WriteStartObject();
                    write(json);
                    json.WriteEndObject();
                }

                file.WriteByte((byte)'\n');
                file.Flush();
            }

            Line(json =>
            {
                json.WriteString("type", "header");
                json.WriteNumber("format", 1);
                json.WriteString("user_sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user))));
                json.WriteString("time", DateTimeOffset.UtcNow);
            });
            await foreach (var export in client.ExportUserAsync(user))
            {
                Line(json =>
                {
                    json.WriteString("type", "conversation");
                    json.WriteString("id", export.Conversation.Id);
                    json.WriteBoolean("deleted_during_export", export.DeletedDuringExport);
                    json.WriteStartArray("items");
                    foreach (var item in export.Items)
                    {
                        // One line whatever the server's indentation: a raw line break in JSON can only be whitespace.
                        json.WriteRawValue(item.Json.Replace("\r", "").Replace("\n", ""));
                    }

                    json.WriteEndArray();
                });
                conversations++;
                items += export.Items.Count;
                if (!export.DeletedDuringExport)
                {
                    exported.Add(export.Conversation.Id);
                }
            }

            Line(json =>
            {
                json.WriteString("type", "end");
                json.WriteNumber("conversations", conversations);
                json.WriteNumber("items", items);
                json.WriteBoolean("complete", true);
            });
        }

        File.Move(partial, path, overwrite: true);
        return exported;
    }

    /// <summary>One line of progress: counts of what happened, and the retries seen so far.</summary>
    public static string Describe(EraseProgress p) =>
        $"Erasing: {p.Deleted} deleted, {p.NotFound} not found, {p.Failed} failed of {p.Listed} found"
        + p.Retries switch { 0 => "", 1 => " (1 retry)", _ => $" ({p.Retries} retries)" };

    private static int Fail(IAnsiConsole console, string message)
    {
        console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        console.WriteLine();
        console.WriteLine(Usage);
        return 2;
    }
}
