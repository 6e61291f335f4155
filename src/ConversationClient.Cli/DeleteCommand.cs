using System.CommandLine;
using System.Runtime.CompilerServices;

namespace ConversationClient.Cli;

/// <summary>
/// <c>delete</c>: deletes conversations by id, the ids streamed from the arguments, a file or standard input, each with a
/// receipt line.
/// </summary>
internal static class DeleteCommand
{
    /// <summary>Ids per DeleteManyAsync call (see <see cref="RunAsync"/>).</summary>
    internal const int Chunk = 65_536;

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
        var command = new Command("delete", "Deletes conversations by id, streaming the ids: arguments, --file, or '-' for standard input.") { ids, file, user };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(console, common, parse,
            parse.GetValue(ids) ?? [], parse.GetValue(file), parse.GetValue(user), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CommonOptions common, ParseResult parse, string[] ids, string? file,
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
            CommandSteps.Confirm(console, session, "Delete the listed conversations", stdinTaken: readsStdin);
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

        // The ids go to DeleteManyAsync in chunks of Chunk: the SDK remembers a 16-byte fingerprint per distinct
        // id of a batch to spot repeats, which for a million ids would be most of the tool's memory; per chunk it stays
        // a few megabytes. An id repeated across chunks is deleted again (NotFound) and has a second receipt line.
        // Ctrl+C (cancellationToken is its first press) ends the reading (see DeleteRun), so no chunk follows it.
        var source = Ids(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            var ended = new StrongBox<bool>();
            while (!ended.Value && !run.Stopping)
            {
                if (!await run.DeleteAsync(Take(source, Chunk, ended), user).ConfigureAwait(false))
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
}
