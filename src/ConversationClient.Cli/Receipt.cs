using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The receipt: one JSON line per conversation as its delete finishes, then a summary line. Every line is flushed to
/// the file as it is written, so a crash or Ctrl+C loses nothing already done. The file is appended to, so a re-run
/// with the same receipt adds to the record instead of replacing it. Written with <see cref="Utf8JsonWriter"/>, one
/// reused buffer, no reflection.
/// </summary>
internal sealed class Receipt : IDisposable
{
    private readonly FileStream? _file;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    private Receipt(FileStream? file)
    {
        _file = file;
        _json = new Utf8JsonWriter(_buffer);
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

            return new Receipt(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 4096));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write the receipt {path}: {ex.Message}", ex);
        }
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
        if (_file is null)
        {
            return;
        }

        _json.WriteStartObject();
        _json.WriteString("id", result.ConversationId);
        _json.WriteString("outcome", OutcomeName(result.Outcome));
        WriteNumberOrNull("status", result.StatusCode);
        _json.WriteString("error", result.Error?.Code);
        _json.WriteString("message", message);
        _json.WriteString("requestId", result.RequestId);
        _json.WriteNumber("attempts", result.Attempts);
        _json.WriteNumber("itemsDeleted", result.ItemsDeleted);
        _json.WriteString("verification", VerificationName(result.Verification));
        _json.WriteString("time", Utc(time));
        _json.WriteEndObject();
        Flush();
    }

    /// <summary>
    /// Writes the line of a delete aborted in flight (by a second Ctrl+C, or as the run broke off): outcome Unknown, as no
    /// answer came, and <paramref name="reason"/> in the message; status, request id and attempts are null, as they are
    /// not known, and so are the items deleted. <c>--resume</c> tries such an id again.
    /// </summary>
    public void WriteUnknown(string id, string reason, DateTimeOffset time)
    {
        if (_file is null)
        {
            return;
        }

        _json.WriteStartObject();
        _json.WriteString("id", id);
        _json.WriteString("outcome", UnknownOutcome);
        _json.WriteNull("status");
        _json.WriteString("error", AbortedInFlightError);
        _json.WriteString("message", $"{reason}: the service may or may not have deleted it; a run with --resume tries it again.");
        _json.WriteNull("requestId");
        _json.WriteNull("attempts");
        _json.WriteNull("itemsDeleted");
        _json.WriteString("verification", VerificationName(ErasureVerification.NotChecked));
        _json.WriteString("time", Utc(time));
        _json.WriteEndObject();
        Flush();
    }

    /// <summary>Writes the final summary line.</summary>
    public void WriteSummary(RunSummary summary)
    {
        if (_file is null)
        {
            return;
        }

        summary.WriteTo(_json);
        Flush();
    }

    public void Dispose()
    {
        _json.Dispose();
        _file?.Dispose();
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

    private void WriteNumberOrNull(string name, int? value)
    {
        if (value is { } number)
        {
            _json.WriteNumber(name, number);
        }
        else
        {
            _json.WriteNull(name);
        }
    }

    private void Flush()
    {
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        _file!.Write(_buffer.WrittenSpan);
        _file.Flush();
        _buffer.ResetWrittenCount();
        _json.Reset();
    }
}
