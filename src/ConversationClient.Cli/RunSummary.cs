using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The counts of a delete or erase run: the receipt's last line and the <c>--output json</c> summary. An erasure's
/// verification pass may report a conversation again (Failed, <c>still_present</c>) after its earlier line said Deleted
/// or NotFound: the later result replaces the earlier one in the counts, as its later receipt line does for <c>--resume</c>.
/// </summary>
internal sealed class RunSummary
{
    /// <summary>The earlier result of each conversation this run reported done, by id fingerprint, while the verification pass may replace it.</summary>
    private readonly Dictionary<UInt128, (DeleteConversationOutcome Outcome, ErasureVerification Verification, bool ResponsesNotChecked)> _done = [];

    public required string Command { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Whether the run deletes a conversation's items before it (no <c>--keep-items</c>).</summary>
    public bool DeleteItems { get; init; }

    /// <summary>Whether the run verifies its deletes (no <c>--no-verify</c>).</summary>
    public bool Verify { get; init; }

    /// <summary>
    /// Whether the service keeps stored responses (the OpenAI dialect: OpenAI and Azure), so that a result whose
    /// <see cref="DeleteConversationResult.ResponsesDeleted"/> is null counts in <see cref="ResponsesNotChecked"/>; false
    /// on Dify, which has none.
    /// </summary>
    public bool HasStoredResponses { get; init; }

    /// <summary>What the service's API cannot erase (delete and erase runs); empty otherwise.</summary>
    public IReadOnlyList<ErasureLimit> Limits { get; init; } = [];

    /// <summary>The export read back before an <c>erase --export-first</c>, and its file; null otherwise.</summary>
    public (string Path, ExportFile.Contents Contents)? Export { get; init; }

    /// <summary>The distinct conversations listed, skipped ones included (shown for <c>erase</c> only).</summary>
    public long Listed { get; set; }

    public long Deleted { get; set; }

    public long NotFound { get; set; }

    public long Failed { get; set; }

    /// <summary>Deletes aborted in flight by a second Ctrl+C: whether the service deleted them is unknown.</summary>
    public long Unknown { get; set; }

    /// <summary>Conversations left alone as the resumed receipt says they are done.</summary>
    public long Skipped { get; set; }

    /// <summary>Conversations left alone by <c>erase --export-first</c> as they are not in the export (made after it): still stored, so the run is not complete.</summary>
    public long NotExported { get; set; }

    /// <summary>Items deleted before their conversations.</summary>
    public long ItemsDeleted { get; set; }

    /// <summary>Stored responses deleted before their conversations (Azure AI Foundry).</summary>
    public long ResponsesDeleted { get; set; }

    /// <summary>
    /// Conversations erased (Deleted or NotFound) whose stored responses were not checked, their results saying
    /// <see cref="DeleteConversationResult.ResponsesDeleted"/> null: the service has no list of them (OpenAI's public API),
    /// the endpoint answered the listing as an address it does not serve (Azure), the conversation was gone before it,
    /// or <c>--keep-items</c>. Their stored responses may remain. Always 0 without <see cref="HasStoredResponses"/>.
    /// </summary>
    public long ResponsesNotChecked { get; set; }

    /// <summary>Conversations asked for after their delete and found gone.</summary>
    public long Verified { get; set; }

    /// <summary>Conversations the service still had after answering their deletes as done (each also counted as failed).</summary>
    public long StillPresent { get; set; }

    /// <summary>Conversations answered as deleted whose verification could not tell whether they are gone.</summary>
    public long Unverified { get; set; }

    /// <summary>The SDK's results ran out without an error or Ctrl+C: with <see cref="Verify"/>, its listing from the top after the run was done too.</summary>
    public bool Ended { get; set; }

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

    /// <summary>Whether verification ran to its end and found everything gone; false when <see cref="Verify"/> is off.</summary>
    public bool IsVerified => Verify && Ended && !Canceled && !Aborted && StillPresent == 0 && Unverified == 0;

    /// <summary>Whether the run leaves anything to do: a failure, a conversation not in the export, a listing or input error, or (with <see cref="Verify"/>) a verification that did not prove the run.</summary>
    public bool IsIncomplete => Failed > 0 || NotExported > 0 || ListingError is not null || InputError is not null || (Verify && !IsVerified);

    /// <summary>Whether the run did all it was asked and nothing is left: the summary's <c>complete</c>.</summary>
    public bool IsComplete => !IsIncomplete && !Canceled && !Aborted && !DryRun;

    public double Rate => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// Whether a later result may replace an earlier one of the same conversation: only an erase run's verification
    /// pass (which lists the user again) reports a conversation twice, so only it keeps <see cref="_done"/>; a delete
    /// of a million ids keeps nothing per id here.
    /// </summary>
    private bool MaySupersede => Verify && Command == "erase";

    /// <summary>How many conversations the run keeps a result of, in case a later one replaces it (none for a delete run).</summary>
    internal int KeptForReplacement => _done.Count;

    public void Count(DeleteConversationResult result)
    {
        // Whether the conversation's stored responses went unchecked: its result says so by a null count.
        var responsesNotChecked = HasStoredResponses && result.Outcome != DeleteConversationOutcome.Failed && result.ResponsesDeleted is null;
        if (MaySupersede && _done.Remove(IdSet.Fingerprint(result.ConversationId), out var earlier))
        {
            // A second result for an id comes only from the verification pass, which looked again at one this run
            // reported done (still there, or the look failed): it replaces the earlier one. That look deletes no
            // stored response and its result counts none, so whether they were checked is the earlier result's word.
            Uncount(earlier.Outcome, earlier.Verification, earlier.ResponsesNotChecked);
            responsesNotChecked = result.Outcome != DeleteConversationOutcome.Failed && earlier.ResponsesNotChecked;
        }

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
        ItemsDeleted += result.ItemsDeleted;
        ResponsesDeleted += result.ResponsesDeleted ?? 0;
        ResponsesNotChecked += responsesNotChecked ? 1 : 0;
        if (!Verify)
        {
            return;
        }

        switch (result.Verification)
        {
            case ErasureVerification.Gone:
                Verified++;
                break;
            case ErasureVerification.StillPresent:
                StillPresent++;
                break;
            default:
                // A delete that failed is not verified either, but it is counted as failed.
                if (result.Outcome != DeleteConversationOutcome.Failed)
                {
                    Unverified++;
                }

                break;
        }

        if (MaySupersede && result.Outcome != DeleteConversationOutcome.Failed)
        {
            _done[IdSet.Fingerprint(result.ConversationId)] = (result.Outcome, result.Verification, responsesNotChecked);
        }
    }

    private void Uncount(DeleteConversationOutcome outcome, ErasureVerification verification, bool responsesNotChecked)
    {
        ResponsesNotChecked -= responsesNotChecked ? 1 : 0;
        if (outcome == DeleteConversationOutcome.Deleted)
        {
            Deleted--;
        }
        else
        {
            NotFound--;
        }

        if (verification == ErasureVerification.Gone)
        {
            Verified--;
        }
        else
        {
            Unverified--;
        }
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
        if (!DryRun)
        {
            json.WriteNumber("itemsDeleted", ItemsDeleted);
            json.WriteNumber("responsesDeleted", ResponsesDeleted);
            json.WriteNumber("responsesNotChecked", ResponsesNotChecked);
            json.WriteBoolean("verify", Verify);
            json.WriteNumber("verified", Verified);
            json.WriteNumber("stillPresent", StillPresent);
            json.WriteNumber("unverified", Unverified);
            json.WriteBoolean("complete", IsComplete);
        }

        if (Export is var (path, contents))
        {
            json.WriteStartObject("export");
            json.WriteString("file", path);
            json.WriteNumber("conversations", contents.Conversations);
            json.WriteNumber("items", contents.Items);
            json.WriteNumber("notExported", NotExported);
            json.WriteEndObject();
        }

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
        if (Limits.Count > 0)
        {
            json.WriteStartArray("notErasable");
            foreach (var limit in Limits)
            {
                json.WriteStartObject();
                json.WriteString("description", limit.Description);
                json.WriteString("source", limit.Source);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

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
