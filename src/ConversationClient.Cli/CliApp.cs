using System.CommandLine;
using System.CommandLine.Help;

namespace ConversationClient.Cli;

/// <summary>
/// The tool's entry logic: parses the arguments with System.CommandLine and runs a command. Everything it touches
/// outside the network (standard streams, environment, clock, cancellation) is passed in, so tests run exactly this.
/// </summary>
internal static class CliApp
{
    /// <summary>The installed command's name (the package's ToolCommandName), used in help and messages.</summary>
    public const string CommandName = "conversations";

    private const string Secrets =
        "Secrets are never taken from the command line (shell history, process lists): the API key is read from an " +
        "environment variable (OPENAI_API_KEY, AZURE_OPENAI_API_KEY or DIFY_API_KEY, or the one --api-key-env names). " +
        "For Microsoft Entra ID, --token-command runs a command whose standard output is the bearer token; the token is " +
        "cached and the command run again every 5 minutes.";

    /// <summary>Runs the tool; returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        // What System.CommandLine, list and erase --dry-run stop on. delete and erase hand both presses to their SDK
        // call instead (DeleteRun): the first as its stop token, the second as its cancellation token.
        var cancellationToken = console.CtrlC.FirstPress;
        // A root named after the installed command: System.CommandLine's RootCommand is named after the process's
        // entry assembly, which for a .NET tool is ConversationClient.Cli, not the command the user typed.
        var root = new Command(CommandName,
            "Deletes, lists, exports and erases chat conversations on OpenAI, Azure AI Foundry and Dify, writing a receipt of " +
            "every delete. The service is --service with --base-url, or the one whose environment variables are set " +
            "(OPENAI_API_KEY/OPENAI_BASE_URL, AZURE_OPENAI_API_KEY/AZURE_OPENAI_ENDPOINT, DIFY_API_KEY/DIFY_BASE_URL). " +
            Secrets + " Ctrl+C during delete or erase starts no new delete and lets those in flight finish with their receipt " +
            "lines; a second Ctrl+C aborts them, each with an Unknown line. Exit codes: 0 all Deleted or NotFound, " +
            "1 some failed (or an erasure not verified, or an export not complete), 2 usage or configuration error, 130 stopped by Ctrl+C.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(DeleteCommand.Create(console));
        root.Subcommands.Add(EraseCommand.Create(console));
        root.Subcommands.Add(ListCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: every parse error, most specific first ("Required command was not provided" says least).
            var messages = parse.Errors.Select(error => OneLine(error.Message)).Distinct()
                .OrderBy(message => message.StartsWith("Required command", StringComparison.Ordinal));
            await console.Error.WriteLineAsync($"conversations: {string.Join(" ", messages)} (see --help)").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C is the tool's own (CtrlC): the commands finish their receipts.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await console.Error.WriteLineAsync($"conversations: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (ArgumentException ex)
        {
            // The SDK's validation of options and arguments (its messages name the setting, never a key or user id).
            await console.Error.WriteLineAsync($"conversations: {FirstLine(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Canceled;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
