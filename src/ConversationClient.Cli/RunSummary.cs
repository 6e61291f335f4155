using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>The counts of a delete or erase run: the receipt's last line and the <c>--output json</c> summary.</summary>
internal sealed class RunSummary
{
    public required string Command { get; init; }

    public bool DryRun { get; init; }

    /// <summary>The distinct conversations listed, skipped ones included (shown for <c>erase</c> only).</summary>
    public long Listed { get; set; }

    public long Deleted { get; set; }

    public long NotFound { get; set; }

    public long Failed { get; set; }

    /// <summary>Deletes aborted in flight by a second Ctrl+C: whether the service deleted them is unknown.</summary>
    public long Unknown { get; set; }

    public long Skipped { get; set; }

    public long Retries { get; set; }

    public string? ListingError { get; set; }

    /// <summary>Why reading the ids broke off (<c>delete</c>): no id after that point was read.</summary>
    public string? InputError { get; set; }

    /// <summary>Ctrl+C stopped the run: nothing new was started after it.</summary>
    public bool Canceled { get; set; }

    /// <summary>A second Ctrl+C aborted the deletes in flight (see <see cref="Unknown"/>).</summary>
    public bool Aborted { get; set; }

    public TimeSpan Elapsed { get; set; }

    public DateTimeOffset Finished { get; set; }

    public long Done => Deleted + NotFound + Failed;

    public double Rate => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;

    public void Count(DeleteConversationResult result)
    {
        switch (result.Outcome)
        {
            case DeleteConversationOutcome.Deleted:
                Deleted++;
                break;
            case DeleteConversationOutcome.NotFound:
                NotFound++;
                break;
            default:
                Failed++;
                break;
        }

        Retries += Math.Max(0, result.Attempts - 1);
    }

    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteBoolean("summary", true);
        json.WriteString("command", Command);
        if (DryRun)
        {
            json.WriteBoolean("dryRun", true);
        }

        if (Command == "erase")
        {
            json.WriteNumber("listed", Listed);
        }

        json.WriteNumber("deleted", Deleted);
        json.WriteNumber("notFound", NotFound);
        json.WriteNumber("failed", Failed);
        json.WriteNumber("unknown", Unknown);
        json.WriteNumber("skipped", Skipped);
        json.WriteNumber("retries", Retries);
        if (ListingError is not null)
        {
            json.WriteString("listingError", ListingError);
        }

        if (InputError is not null)
        {
            json.WriteString("inputError", InputError);
        }

        json.WriteBoolean("canceled", Canceled);
        json.WriteBoolean("aborted", Aborted);
        json.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 3));
        json.WriteNumber("perSecond", Math.Round(Rate, 1));
        json.WriteString("time", Receipt.Utc(Finished));
        json.WriteEndObject();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            WriteTo(json);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
