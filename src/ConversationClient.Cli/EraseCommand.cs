using System.CommandLine;

namespace ConversationClient.Cli;

/// <summary>
/// <c>erase</c>: deletes all of a user's conversations, listing and deleting until none is left, each with a receipt
/// line; <c>--dry-run</c> lists and counts only.
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
}
