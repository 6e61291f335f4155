using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// <c>export</c>: writes all of a user's conversations with their items (Dify: messages) to a JSON Lines file through
/// the SDK's streamed export (ExportUserAsync), one conversation in memory at a time (see <see cref="ExportFile"/>).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Option<string>("--user", "-u") { Description = "The end user whose conversations to export.", Required = true, HelpName = "USER" };
        var output = new Option<string>("--out") { Description = "The JSON Lines file to write; written as FILE.partial and renamed to FILE once complete.", Required = true, HelpName = "FILE" };
        var common = new CommonOptions(bulk: false, receipt: false);
        var command = new Command("export", "Exports all of a user's conversations with their items (Dify: messages) to a JSON Lines file, each item's JSON as the service sent it.") { user, output };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = common.Open(console, parse);
            return await ExportAsync(console, session, parse.GetRequiredValue(user), parse.GetRequiredValue(output), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// Exports <paramref name="user"/> to <paramref name="path"/>: the exit code, <see cref="ExitCodes.Success"/> only when
    /// the file is complete (named <paramref name="path"/>). A failure or Ctrl+C ends FILE.partial with a closing line that
    /// says it is not complete, and says so on standard error.
    /// </summary>
    public static async Task<int> ExportAsync(CliConsole console, Session session, string user, string path, CancellationToken cancellationToken)
    {
        using var file = ExportFile.Writer.Create(path);
        try
        {
            file.WriteHeader(session.Service.Name, session.Options.BaseAddress!.Host, user, console.Time.GetUtcNow());
            await foreach (var export in session.Client.ExportUserAsync(user, cancellationToken).ConfigureAwait(false))
            {
                file.Write(export);
            }

            file.Complete();
        }
        catch (ConversationApiException ex)
        {
            Fail(console, file, ex.Error?.Code ?? ConversationApiError.HttpErrorCode, session.MessageOf(ex));
            return ExitCodes.SomeFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Fail(console, file, "canceled", "stopped by Ctrl+C");
            return ExitCodes.Canceled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file itself (a full disk): its closing line may not be writable either.
            await console.Error.WriteLineAsync($"conversations: the export failed: writing {file.PartialPath}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.SomeFailed;
        }

        if (session.Output == OutputFormat.Json)
        {
            await console.Out.WriteLineAsync(SummaryJson(path, file)).ConfigureAwait(false);
        }
        else
        {
            var deleted = file.DeletedDuringExport > 0
                ? string.Create(CultureInfo.InvariantCulture, $" ({file.DeletedDuringExport} deleted during the export, recorded without items)")
                : "";
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"export: {file.Conversations} conversations, {file.Items} items{deleted} to {path}")).ConfigureAwait(false);
        }

        await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static void Fail(CliConsole console, ExportFile.Writer file, string error, string message)
    {
        var ended = "";
        try
        {
            file.Fail(error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ended = $" (its closing line could not be written: {ex.Message})";
        }

        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"conversations: the export failed after {file.Conversations} conversations, so no complete export was written ({file.PartialPath} ends with \"complete\":false{ended}): {CliConsole.Printable(message)}"));
    }

    private static string SummaryJson(string path, ExportFile.Writer file)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteBoolean("summary", true);
            json.WriteString("command", "export");
            json.WriteString("file", path);
            json.WriteNumber("conversations", file.Conversations);
            json.WriteNumber("items", file.Items);
            json.WriteNumber("deletedDuringExport", file.DeletedDuringExport);
            json.WriteBoolean("complete", true);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
