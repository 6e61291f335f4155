using System.Globalization;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The receipt: a header line saying whom the run is for (<see cref="WriteRunStart"/>), one JSON line per conversation
/// as its delete finishes, then a summary line. Every line is flushed to
/// the file as it is written, so a crash or Ctrl+C loses nothing already done. The file is appended to, so a re-run
/// with the same receipt adds to the record instead of replacing it. Written with <see cref="Utf8JsonWriter"/>, one
/// reused buffer, no reflection.
/// </summary>
internal sealed class Receipt : IDisposable
{
    private readonly JsonLineWriter? _lines;

    private Receipt(FileStream? file)
    {
        _lines = file is null ? null : new JsonLineWriter(file, 512);
    }

    /// <summary>A receipt written to <paramref name="path"/> (creating its missing folders), or one that writes nothing when it is null.</summary>
    public static Receipt Open(string? path)
    {
        if (path is null)
        {
            return new Receipt(null);
        }

        try
        {
            // A receipt per user in a folder of receipts (receipts/user-42.jsonl) is the usual layout: create the folders.
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            // Read before the file is opened to write, whose lock would refuse this process's own reader.
            var cutShort = EndsMidLine(path);

            var file = new FileStream(path, FileMode.Append, FileAccess.Write, JsonLineWriter.OneWriter, bufferSize: 4096);
            var receipt = new Receipt(file);
            try
            {
                if (cutShort)
                {
                    // A run that crashed while writing a line left it without its newline: this run's first line must
                    // not be glued to it (the two would be one line that is no JSON, and --resume would pass over both).
                    receipt._lines!.EndLine();
                }
            }
            catch
            {
                receipt.Dispose();
                throw;
            }

            return receipt;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write the receipt {path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether the receipt at <paramref name="path"/> is a file whose last line has no newline (a line cut short by a
    /// crash). Only a file with something in it is read back: a named pipe, the shell's <c>&gt;(gzip &gt; receipt.gz)</c>
    /// or a terminal has a length of 0 and is never opened for reading, which would throw, or wait for a writer on a
    /// named pipe.
    /// </summary>
    private static bool EndsMidLine(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0)
        {
            return false;
        }

        using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        existing.Seek(-1, SeekOrigin.End);
        return existing.ReadByte() != '\n';
    }

    /// <summary>
    /// Writes the line that starts a run: <c>{"run":true,"command","service","host","user_sha256","time"}</c>, the user
    /// as the hex SHA-256 of its id (null for a run without <c>--user</c>), never the id. The conversation lines after
    /// it, up to the next run's, are this run's: <c>--resume</c> takes as done only the lines of runs for the same user,
    /// service and host (a Dify or Azure conversation of another user answers 404, "gone" for that user only). One
    /// line a run rather than the user on every line: a million-id receipt stays as small, and the file is opened by
    /// one run at a time (no other process may write while it is open), so no other run's lines come between.
    /// </summary>
    public void WriteRunStart(string command, RunFor run, DateTimeOffset time)
    {
        if (_lines is null)
        {
            return;
        }

        var json = _lines.Json;

        json.WriteStartObject();
        json.WriteBoolean("run", true);
        json.WriteString("command", command);
        json.WriteString("service", run.Service);
        json.WriteString("host", run.Host);
        json.WriteString("user_sha256", run.UserSha256);
        json.WriteString("time", Utc(time));
        json.WriteEndObject();
        _lines.EndLine();
    }

    /// <summary>The receipt's outcome for a delete aborted in flight: the service may have deleted the conversation or not.</summary>
    public const string UnknownOutcome = "Unknown";

    /// <summary>The receipt's error code for a delete aborted in flight.</summary>
    public const string AbortedInFlightError = "aborted_in_flight";

    /// <summary>
    /// Writes a conversation's line: id, outcome, HTTP status, error code and <paramref name="message"/>, service request
    /// id, attempts, the items an erasure deleted before the conversation, what its verification found, UTC time. A
    /// later line of the same id (an erasure's verification finding it still present) replaces this one.
    /// </summary>
    public void Write(DeleteConversationResult result, string? message, DateTimeOffset time)
    {
        if (_lines is null)
        {
            return;
        }

        var json = _lines.Json;

        json.WriteStartObject();
        json.WriteString("id", result.ConversationId);
        json.WriteString("outcome", OutcomeName(result.Outcome));
        _lines.NumberOrNull("status", result.StatusCode);
        json.WriteString("error", result.Error?.Code);
        json.WriteString("message", message);
        json.WriteString("requestId", result.RequestId);
        json.WriteNumber("attempts", result.Attempts);
        json.WriteNumber("itemsDeleted", result.ItemsDeleted);
        _lines.NumberOrNull("responsesDeleted", result.ResponsesDeleted);
        json.WriteString("verification", VerificationName(result.Verification));
        json.WriteString("time", Utc(time));
        json.WriteEndObject();
        _lines.EndLine();
    }

    /// <summary>
    /// Writes the line of a delete aborted in flight (by a second Ctrl+C, or as the run broke off): outcome Unknown, as no
    /// answer came, and <paramref name="reason"/> in the message; status, request id and attempts are null, as they are
    /// not known, and so are the items and stored responses deleted. <c>--resume</c> tries such an id again.
    /// </summary>
    public void WriteUnknown(string id, string reason, DateTimeOffset time)
    {
        if (_lines is null)
        {
            return;
        }

        var json = _lines.Json;

        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("outcome", UnknownOutcome);
        json.WriteNull("status");
        json.WriteString("error", AbortedInFlightError);
        json.WriteString("message", $"{reason}: the service may or may not have deleted it; a run with --resume tries it again.");
        json.WriteNull("requestId");
        json.WriteNull("attempts");
        json.WriteNull("itemsDeleted");
        json.WriteNull("responsesDeleted");
        json.WriteString("verification", VerificationName(ErasureVerification.NotChecked));
        json.WriteString("time", Utc(time));
        json.WriteEndObject();
        _lines.EndLine();
    }

    /// <summary>Writes the final summary line.</summary>
    public void WriteSummary(RunSummary summary)
    {
        if (_lines is null)
        {
            return;
        }

        var json = _lines.Json;

        summary.WriteTo(json);
        _lines.EndLine();
    }

    public void Dispose()
    {
        _lines?.Dispose();
    }

    /// <summary>The outcome as the receipt spells it (and <c>--resume</c> reads it).</summary>
    public static string OutcomeName(DeleteConversationOutcome outcome) => outcome switch
    {
        DeleteConversationOutcome.Deleted => "Deleted",
        DeleteConversationOutcome.NotFound => "NotFound",
        _ => "Failed",
    };

    /// <summary>What an erasure's verification found, as the receipt spells it.</summary>
    public static string VerificationName(ErasureVerification verification) => verification switch
    {
        ErasureVerification.Gone => "gone",
        ErasureVerification.StillPresent => "still_present",
        _ => "not_checked",
    };

    /// <summary>An ISO 8601 UTC time with milliseconds, as in every receipt line.</summary>
    public static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Whom a run is for, as its receipt header says: the service's name, its host and the user as the hex SHA-256 of its
/// id (<see cref="ExportFile.UserDigest"/>, as in an export's header; null for a run without a user), never the id.
/// </summary>
internal sealed record RunFor(string Service, string Host, string? UserSha256)
{
    /// <summary>A run of <paramref name="session"/> for <paramref name="user"/>.</summary>
    public static RunFor Of(Session session, string? user) =>
        new(session.Service.Name, session.Options.BaseAddress!.Host, user is null ? null : ExportFile.UserDigest(user));
}
