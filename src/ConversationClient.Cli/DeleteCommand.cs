using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ConversationClient.Cli;

/// <summary>
/// <c>delete</c>: erases conversations by id (the SDK's EraseConversationsAsync), the ids streamed from the arguments, a
/// file or standard input, each with a receipt line: on the OpenAI dialect every item before its conversation (unless
/// <c>--keep-items</c>), and each delete verified by a look (unless <c>--no-verify</c>).
/// </summary>
internal static class DeleteCommand
{
    public static Command Create(CliConsole console)
    {
        var ids = new Argument<string[]>("ids")
        {
            Description = "Conversation ids; '-' reads more ids from standard input, one per line.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string>("--file", "-f") { Description = "Read ids from this file, one per line (streamed: any size).", HelpName = "FILE" };
        var user = new Option<string>("--user", "-u") { Description = "The end user (required on Dify; the user isolation key on OpenAI/Azure).", HelpName = "USER" };
        var common = new CommonOptions(bulk: true, receipt: true);
        var command = new Command("delete",
            "Deletes conversations by id, streaming the ids: arguments, --file, or '-' for standard input. On OpenAI and Azure each " +
            "conversation's items first; then checks that each is gone.")
        {
            ids, file, user,
        };
        common.AddTo(command);
        // Ctrl+C reaches the run through console.CtrlC (DeleteRun), not System.CommandLine's token.
        command.SetAction((parse, _) => RunAsync(console, common, parse, parse.GetValue(ids) ?? [], parse.GetValue(file), parse.GetValue(user)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CommonOptions common, ParseResult parse, string[] ids, string? file,
        string? user)
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

        using var fileReader = file is null ? null : OpenIds(file);
        using var session = common.Open(console, parse);
        if (session.Options.Dialect == ConversationApiDialect.Dify && user is null)
        {
            throw new UsageException("Dify needs --user: the end user the conversations belong to.");
        }

        var many = readsStdin || file is not null || ids.Length > 1;
        if (many)
        {
            CommandSteps.Confirm(console, session, "Delete the listed conversations", stdinTaken: readsStdin);
        }

        var summary = new RunSummary
        {
            Command = "delete",
            DeleteItems = session.Bulk.DeleteItems,
            Verify = session.Bulk.Verify,
            HasStoredResponses = session.HasStoredResponses,
            Limits = ErasureLimit.For(session.Options),
        };
        var resume = session.ResumePath is { } resumePath ? ReadResume(console, session, resumePath, user) : null;
        using var run = new DeleteRun(console, session, summary, user, resume);

        // The ids as the SDK reads them, one at a time: the arguments, standard input at '-', then the file. Its token
        // is its stop (the first Ctrl+C), which also ends a read waiting for a line that has not come yet.
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

            if (fileReader is not null)
            {
                while (await ReadLineAsync(fileReader, token).ConfigureAwait(false) is { } line)
                {
                    if (Wanted(line) is { } fromFile)
                    {
                        yield return fromFile;
                    }
                }
            }
        }

        // The whole input in one EraseConversationsAsync call, however long: each conversation's items first on OpenAI
        // and Azure (unless --keep-items), then the conversation, then a look that it is gone (unless --no-verify). The
        // SDK keeps about 12 bytes per distinct id to erase and report an id repeated anywhere in the input once, and
        // skips what the resumed receipt says is done.
        Exception? readFailure = null;
        await run.RecordAsync(session.Client.EraseConversationsAsync(UntilReadingFails(Ids(), failure => readFailure = failure), user, run.Options,
            run.Abort)).ConfigureAwait(false);
        return readFailure is null ? run.Finish() : run.InputFailed(readFailure);
    }

    /// <summary>
    /// The ids the receipt at <paramref name="path"/> says are done for this run's user, service and host; the lines it
    /// passes over (another user's runs, or a receipt written before runs had headers) are said on standard error.
    /// </summary>
    private static ResumeSet ReadResume(CliConsole console, Session session, string path, string? user)
    {
        var resume = ResumeSet.Read(path, session.Bulk.Verify, RunFor.Of(session, user));
        if (resume.LinesWithoutRun > 0)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"conversations: --resume takes nothing from the {resume.LinesWithoutRun} lines of {path} that have no run header (written before receipts recorded whom a run was for): those ids are deleted again (a NotFound and a look for those gone)."));
        }

        if (resume.LinesOfOtherRuns > 0)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"conversations: --resume takes nothing from the {resume.LinesOfOtherRuns} lines of {path} from runs for another user, service or host (a conversation of another user answers 404)."));
        }

        return resume;
    }

    /// <summary>An id from a line: trimmed; null for a blank line or a # comment.</summary>
    private static string? Wanted(string line)
    {
        var id = line.Trim();
        return id.Length == 0 || id[0] == '#' ? null : id;
    }

    /// <summary>Opens the ids file before anything is sent; a file that cannot be opened is a usage error.</summary>
    private static StreamReader OpenIds(string file)
    {
        try
        {
            return new StreamReader(file);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"The ids file {file} does not exist.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the ids file {file}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// <paramref name="ids"/> until reading them fails (a file that cannot be read on, a broken pipe): the failure goes to
    /// <paramref name="failed"/> and the ids end there, so the SDK starts no further delete and the deletes in flight
    /// finish with their results. Thrown on, the failure would make the SDK cancel them, leaving their outcome unknown.
    /// </summary>
    private static async IAsyncEnumerable<string> UntilReadingFails(IAsyncEnumerable<string> ids, Action<Exception> failed,
        [EnumeratorCancellation] CancellationToken token = default)
    {
        var source = ids.GetAsyncEnumerator(token);
        await using (source.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await source.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The SDK stopped reading (the first Ctrl+C): not a failure.
                    yield break;
                }
                catch (Exception ex)
                {
                    failed(ex);
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                yield return source.Current;
            }
        }
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
}
