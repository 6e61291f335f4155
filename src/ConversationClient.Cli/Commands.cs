using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>The <c>delete</c>, <c>erase</c> and <c>list</c> commands: their options, and what each does with the SDK's public API.</summary>
internal static class Commands
{
    /// <summary>Ids per DeleteManyAsync call of <c>delete</c> (see there).</summary>
    internal const int DeleteChunk = 65_536;

    public static Command Delete(CliConsole console)
    {
        var ids = new Argument<string[]>("ids")
        {
            Description = "Conversation ids; '-' reads more ids from standard input, one per line.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string>("--file", "-f") { Description = "Read ids from this file, one per line (streamed: any size).", HelpName = "FILE" };
        var user = new Option<string>("--user", "-u") { Description = "The end user (required on Dify; the user isolation key on OpenAI/Azure).", HelpName = "USER" };
        var common = new CommonOptions(bulk: true, receipt: true);
        var command = new Command("delete", "Deletes conversations by id, streaming the ids: arguments, --file, or '-' for standard input.") { ids, file, user };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => DeleteAsync(console, common, parse,
            parse.GetValue(ids) ?? [], parse.GetValue(file), parse.GetValue(user), cancellationToken));
        return command;
    }

    public static Command Erase(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations are all deleted.", Required = true, HelpName = "USER" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List and count what would be deleted; delete nothing." };
        var common = new CommonOptions(bulk: true, receipt: true, paging: true);
        var command = new Command("erase", "Deletes all of a user's conversations (lists them and deletes what it lists, until none is left).") { user, dryRun };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => EraseAsync(console, common, parse,
            parse.GetRequiredValue(user), parse.GetValue(dryRun), cancellationToken));
        return command;
    }

    public static Command List(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations to list.", Required = true, HelpName = "USER" };
        var common = new CommonOptions(bulk: false, receipt: false, paging: true);
        var command = new Command("list", "Lists a user's conversations: one id per line (pipe into 'delete -'), or JSON lines with --output json.") { user };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => ListAsync(console, common, parse, parse.GetRequiredValue(user), cancellationToken));
        return command;
    }

    private static async Task<int> DeleteAsync(CliConsole console, CommonOptions common, ParseResult parse, string[] ids, string? file,
        string? user, CancellationToken cancellationToken)
    {
        var readsStdin = ids.Contains("-");
        if (ids.Length == 0 && file is null)
        {
            throw new UsageException("No ids: pass them as arguments, with --file FILE, or '-' to read standard input.");
        }

        if (ids.FirstOrDefault(id => id.Length > 1 && id[0] == '-') is { } unknown)
        {
            throw new UsageException($"Unknown option {unknown} (see --help); an id never starts with '-'.");
        }

        if (ids.Count(id => id == "-") > 1)
        {
            throw new UsageException("'-' (standard input) can be given once.");
        }

        if (file is not null && !File.Exists(file))
        {
            throw new UsageException($"The ids file {file} does not exist.");
        }

        using var session = common.Open(console, parse);
        if (session.Options.Dialect == ConversationApiDialect.Dify && user is null)
        {
            throw new UsageException("Dify needs --user: the end user the conversations belong to.");
        }

        var many = readsStdin || file is not null || ids.Length > 1;
        if (many)
        {
            Confirm(console, session, "Delete the listed conversations", stdinTaken: readsStdin);
        }

        var resume = session.Resume;
        using var run = new DeleteRun(console, session, new RunSummary { Command = "delete" });
        var skipped = 0L;

        async IAsyncEnumerable<string> Ids([EnumeratorCancellation] CancellationToken token = default)
        {
            foreach (var id in ids)
            {
                if (id == "-")
                {
                    while (await ReadLineAsync(console.In, token).ConfigureAwait(false) is { } line)
                    {
                        if (Wanted(line) is { } fromStdin)
                        {
                            yield return fromStdin;
                        }
                    }
                }
                else if (Wanted(id) is { } fromArgs)
                {
                    yield return fromArgs;
                }
            }

            if (file is not null)
            {
                using var reader = new StreamReader(file);
                while (await ReadLineAsync(reader, token).ConfigureAwait(false) is { } line)
                {
                    if (Wanted(line) is { } fromFile)
                    {
                        yield return fromFile;
                    }
                }
            }
        }

        string? Wanted(string line)
        {
            var id = line.Trim();
            if (id.Length == 0 || id[0] == '#')
            {
                return null;
            }

            if (resume?.Contains(id) == true)
            {
                Interlocked.Increment(ref skipped);
                return null;
            }

            return id;
        }

        // The ids go to DeleteManyAsync in chunks of DeleteChunk: the SDK remembers a 16-byte fingerprint per distinct
        // id of a batch to spot repeats, which for a million ids would be most of the tool's memory; per chunk it stays
        // a few megabytes. An id repeated across chunks is deleted again (NotFound) and has a second receipt line.
        // Ctrl+C (cancellationToken is its first press) ends the reading (see DeleteRun), so no chunk follows it.
        var source = Ids(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            var ended = new StrongBox<bool>();
            while (!ended.Value && !run.Stopping)
            {
                if (!await run.DeleteAsync(Take(source, DeleteChunk, ended), user).ConfigureAwait(false))
                {
                    break;
                }
            }
        }

        run.Summary.Skipped = Interlocked.Read(ref skipped);
        return run.Finish();
    }

    /// <summary>
    /// The next line of <paramref name="reader"/>, or a cancellation as soon as <paramref name="stop"/> is canceled, also
    /// while the read waits (for standard input, a pipe or a terminal that has not sent the next line yet).
    /// </summary>
    private static ValueTask<string?> ReadLineAsync(TextReader reader, CancellationToken stop)
    {
        var line = reader.ReadLineAsync(stop);
        return line.IsCompleted ? line : new ValueTask<string?>(line.AsTask().WaitAsync(stop));
    }

    /// <summary>Up to <paramref name="count"/> more ids from <paramref name="source"/>; sets <paramref name="ended"/> when it runs out.</summary>
    private static async IAsyncEnumerable<string> Take(IAsyncEnumerator<string> source, int count, StrongBox<bool> ended)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await source.MoveNextAsync().ConfigureAwait(false))
            {
                ended.Value = true;
                yield break;
            }

            yield return source.Current;
        }
    }

    private static async Task<int> EraseAsync(CliConsole console, CommonOptions common, ParseResult parse, string user, bool dryRun,
        CancellationToken cancellationToken)
    {
        using var session = common.Open(console, parse);
        var listOptions = new ConversationListOptions { PageSize = session.Bulk.PageSize };
        if (dryRun)
        {
            var summary = new RunSummary { Command = "erase", DryRun = true };
            var display = new RunDisplay(console, session.Output, summary);
            try
            {
                await foreach (var conversation in session.Client.ListAsync(user, listOptions, cancellationToken).ConfigureAwait(false))
                {
                    summary.Listed++;
                    display.Line($"would delete {conversation.Id}");
                }
            }
            catch (ConversationApiException ex)
            {
                summary.ListingError = session.MessageOf(ex);
                await console.Error.WriteLineAsync($"conversations: the listing failed: {summary.ListingError}").ConfigureAwait(false);
                display.Finish();
                return ExitCodes.SomeFailed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                summary.Canceled = true;
            }

            display.Finish();
            return summary.Canceled ? ExitCodes.Canceled : ExitCodes.Success;
        }

        Confirm(console, session, "Erase all of the user's conversations", stdinTaken: false);
        using var run = new DeleteRun(console, session, new RunSummary { Command = "erase" });
        var resume = session.Resume;

        // EraseUserAsync reports counts, not each conversation, and the receipt needs each one; so this is its loop on
        // the public API: list from the top, take up to a page of conversations this run has not handled, stop listing
        // (so no cursor outlives a delete; Dify refuses a cursor that names a deleted conversation), delete them, and
        // list again, until a listing holds nothing new. Ids handled stay in a set; a user's conversations fit in memory.
        // Ctrl+C (cancellationToken is its first press) stops the listing at once, and the deletes as DeleteRun says.
        var handled = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (!run.Stopping)
            {
                var batch = new List<string>(listOptions.PageSize);
                await foreach (var conversation in session.Client.ListAsync(user, listOptions, cancellationToken).ConfigureAwait(false))
                {
                    if (!handled.Add(conversation.Id))
                    {
                        continue;
                    }

                    if (resume?.Contains(conversation.Id) == true)
                    {
                        // Done in the resumed receipt (still listed, as listings can lag a delete): skipped, as for delete.
                        run.Summary.Skipped++;
                        continue;
                    }

                    batch.Add(conversation.Id);
                    if (batch.Count == listOptions.PageSize)
                    {
                        break;
                    }
                }

                run.Summary.Listed += batch.Count;
                run.Display.Tick();
                if (batch.Count == 0 || !await run.DeleteAsync(batch, user).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (ConversationApiException ex)
        {
            return run.ListingFailed(ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while listing: nothing was in flight.
        }

        return run.Finish();
    }

    private static async Task<int> ListAsync(CliConsole console, CommonOptions common, ParseResult parse, string user, CancellationToken cancellationToken)
    {
        using var session = common.Open(console, parse);
        var options = new ConversationListOptions { PageSize = session.Bulk.PageSize };
        try
        {
            await foreach (var conversation in session.Client.ListAsync(user, options, cancellationToken).ConfigureAwait(false))
            {
                if (session.Output == OutputFormat.Json)
                {
                    await console.Out.WriteLineAsync(ToJson(conversation)).ConfigureAwait(false);
                }
                else
                {
                    await console.Out.WriteLineAsync(conversation.Id).ConfigureAwait(false);
                }
            }
        }
        catch (ConversationApiException ex)
        {
            await console.Error.WriteLineAsync($"conversations: the listing failed: {session.MessageOf(ex)}").ConfigureAwait(false);
            return ExitCodes.SomeFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Canceled;
        }

        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Against anything but a loopback address, asks for --yes, or for a typed "yes" when standard input is a terminal
    /// (and not the ids); refuses with a usage error otherwise, before any request is sent.
    /// </summary>
    private static void Confirm(CliConsole console, Session session, string what, bool stdinTaken)
    {
        var address = session.Options.BaseAddress!;
        if (session.Yes || address.IsLoopback)
        {
            return;
        }

        if (console.InputIsTerminal && !stdinTaken)
        {
            console.Error.Write($"{what} on {address.Host}? Type 'yes' to go on: ");
            console.Error.Flush();
            if (string.Equals(console.In.ReadLine()?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            throw new UsageException("Not confirmed; nothing was deleted.");
        }

        throw new UsageException($"{address.Host} is not a loopback address: pass --yes to confirm; nothing was deleted.");
    }

    private static string ToJson(ConversationSummary conversation)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("id", conversation.Id);
            if (conversation.Name is { } name)
            {
                json.WriteString("name", name);
            }

            if (conversation.CreatedAt is { } created)
            {
                json.WriteString("createdAt", Receipt.Utc(created));
            }

            if (conversation.UpdatedAt is { } updated)
            {
                json.WriteString("updatedAt", Receipt.Utc(updated));
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
