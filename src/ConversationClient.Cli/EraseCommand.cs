using System.CommandLine;

namespace ConversationClient.Cli;

/// <summary>
/// <c>erase</c>: deletes all of a user's conversations through the SDK's streamed erasure (EraseUserStreamingAsync), each
/// with a receipt line: on the OpenAI dialect every item before its conversation (unless <c>--keep-items</c>), and each
/// delete verified (unless <c>--no-verify</c>). <c>--export-first FILE</c> exports the user first and erases only what
/// the export read back complete holds; <c>--dry-run</c> lists and counts only.
/// </summary>
internal static class EraseCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations are all deleted.", Required = true, HelpName = "USER" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List and count what would be deleted; delete nothing." };
        var exportFirst = new Option<string>("--export-first")
        {
            Description = "Export the user to FILE first (as the export command), read it back, and erase only the conversations it holds; nothing is erased unless the export is complete.",
            HelpName = "FILE",
        };
        var common = new CommonOptions(bulk: true, receipt: true, paging: true);
        var command = new Command("erase",
            "Deletes all of a user's conversations (lists them and deletes what it lists, until none is left): on OpenAI and Azure each " +
            "conversation's items first, then checks that each is gone.")
        {
            user, dryRun, exportFirst,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(console, common, parse, new EraseArguments(
            parse.GetRequiredValue(user), parse.GetValue(dryRun), parse.GetValue(exportFirst)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CommonOptions common, ParseResult parse, EraseArguments arguments,
        CancellationToken cancellationToken)
    {
        using var session = common.Open(console, parse);
        var limits = ErasureLimit.For(session.Options);
        if (arguments.DryRun)
        {
            if (arguments.ExportFirst is not null)
            {
                throw new UsageException("--dry-run deletes nothing, so there is nothing to export first: run export on its own.");
            }

            return await DryRunAsync(console, session, arguments.User, limits, cancellationToken).ConfigureAwait(false);
        }

        CommandSteps.Confirm(console, session, "Erase all of the user's conversations", stdinTaken: false);
        (string, ExportFile.Contents)? export = null;
        if (arguments.ExportFirst is { } path)
        {
            if (await ExportFirstAsync(console, session, arguments.User, path, cancellationToken).ConfigureAwait(false) is not { } contents)
            {
                return cancellationToken.IsCancellationRequested ? ExitCodes.Canceled : ExitCodes.SomeFailed;
            }

            export = (path, contents);
        }

        var summary = new RunSummary
        {
            Command = "erase",
            DeleteItems = session.Bulk.DeleteItems,
            Verify = session.Bulk.Verify,
            HasStoredResponses = session.HasStoredResponses,
            Limits = limits,
            Export = export,
        };
        if (session.ResumePath is not null)
        {
            // A conversation the service lists is not gone: the listing, not a receipt, says what is left to erase.
            await console.Error.WriteLineAsync(
                "conversations: erase deletes every conversation the listing shows, whatever a receipt says (a conversation the service lists is not gone), so --resume skips nothing; running erase again is what resumes it.")
                .ConfigureAwait(false);
        }

        using var run = new DeleteRun(console, session, summary, arguments.User, exported: export?.Item2.Ids);
        try
        {
            await run.RecordAsync(session.Client.EraseUserStreamingAsync(arguments.User, run.Options, run.Abort)).ConfigureAwait(false);
        }
        catch (ConversationApiException ex)
        {
            // Thrown after every result: the listing broke off, so conversations after that point were not seen.
            return run.ListingFailed(ex);
        }

        return run.Finish();
    }

    /// <summary>
    /// Exports the user to <paramref name="path"/> and reads the file back: what it holds when it is complete and the
    /// user's; null (said on standard error: nothing was erased) when the export or its check failed.
    /// </summary>
    private static async Task<ExportFile.Contents?> ExportFirstAsync(CliConsole console, Session session, string user, string path,
        CancellationToken cancellationToken)
    {
        var exit = await ExportCommand.ExportAsync(console, session, user, path, cancellationToken).ConfigureAwait(false);
        if (exit != ExitCodes.Success)
        {
            await console.Error.WriteLineAsync("conversations: nothing was erased, as the export did not complete.").ConfigureAwait(false);
            return null;
        }

        try
        {
            return ExportFile.Read(path, user);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"conversations: nothing was erased, as the export {path} did not read back complete: {ex.Message}")
                .ConfigureAwait(false);
            return null;
        }
    }

    private static async Task<int> DryRunAsync(CliConsole console, Session session, string user, IReadOnlyList<ErasureLimit> limits,
        CancellationToken cancellationToken)
    {
        var listOptions = new ConversationListOptions { PageSize = session.Bulk.PageSize };
        var summary = new RunSummary { Command = "erase", DryRun = true, Limits = limits };
        var display = new RunDisplay(console, session.Output, summary);
        try
        {
            await foreach (var conversation in session.Client.ListAsync(user, listOptions, cancellationToken).ConfigureAwait(false))
            {
                summary.Listed++;
                display.Line($"would delete {CliConsole.Printable(conversation.Id)}");
            }
        }
        catch (ConversationApiException ex)
        {
            summary.ListingError = session.MessageOf(ex);
            CommandSteps.ListingFailed(console, summary.ListingError);
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

    private sealed record EraseArguments(string User, bool DryRun, string? ExportFirst);
}
