using System.CommandLine;

namespace ConversationClient.Cli;

/// <summary>
/// <c>erase</c>: deletes all of a user's conversations through the SDK's streamed erasure (EraseUserStreamingAsync), each
/// with a receipt line; <c>--dry-run</c> lists and counts only.
/// </summary>
internal static class EraseCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations are all deleted.", Required = true, HelpName = "USER" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List and count what would be deleted; delete nothing." };
        var common = new CommonOptions(bulk: true, receipt: true, paging: true);
        var command = new Command("erase", "Deletes all of a user's conversations (lists them and deletes what it lists, until none is left).") { user, dryRun };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(console, common, parse,
            parse.GetRequiredValue(user), parse.GetValue(dryRun), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CommonOptions common, ParseResult parse, string user, bool dryRun,
        CancellationToken cancellationToken)
    {
        using var session = common.Open(console, parse);
        if (dryRun)
        {
            var listOptions = new ConversationListOptions { PageSize = session.Bulk.PageSize };
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

        CommandSteps.Confirm(console, session, "Erase all of the user's conversations", stdinTaken: false);
        using var run = new DeleteRun(console, session, new RunSummary { Command = "erase" });
        try
        {
            await run.RecordAsync(session.Client.EraseUserStreamingAsync(user, run.Options, run.Abort)).ConfigureAwait(false);
        }
        catch (ConversationApiException ex)
        {
            // Thrown after every result: the listing broke off, so conversations after that point were not seen.
            return run.ListingFailed(ex);
        }

        return run.Finish();
    }
}
