using System.CommandLine;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary><c>list</c>: prints a user's conversations, one id per line or JSON lines.</summary>
internal static class ListCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations to list.", Required = true, HelpName = "USER" };
        var common = new CommonOptions(bulk: false, receipt: false, paging: true);
        var command = new Command("list", "Lists a user's conversations: one id per line (pipe into 'delete -'), or JSON lines with --output json.") { user };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(console, common, parse, parse.GetRequiredValue(user), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CommonOptions common, ParseResult parse, string user, CancellationToken cancellationToken)
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
                    await console.Out.WriteLineAsync(CliConsole.Printable(conversation.Id)).ConfigureAwait(false);
                }
            }
        }
        catch (ConversationApiException ex)
        {
            CommandSteps.ListingFailed(console, session.MessageOf(ex));
            return ExitCodes.SomeFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Canceled;
        }

        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
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
