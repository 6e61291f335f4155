using System.Globalization;

namespace ConversationClient.Cli;

/// <summary>
/// The deleting part of a <c>delete</c> or <c>erase</c> run: the options its one SDK call runs with, and the receipt
/// and display line of each result the call streams. The SDK yields a result for every id it sends, so the receipt's
/// promise (every id sent has a line) is the SDK's: the first Ctrl+C is the call's stop token (no new delete starts,
/// those in flight finish and yield theirs), the second is the call's cancellation token (each delete in flight yields
/// <see cref="ConversationApiError.OutcomeUnknownCode"/>, written as an Unknown line).
/// </summary>
internal sealed class DeleteRun : IDisposable
{
    private readonly CliConsole _console;
    private readonly Session _session;
    private readonly Receipt _receipt;
    private readonly CancellationTokenRegistration _stopNotice;
    private readonly RunSummary _summary;
    private readonly RunDisplay _display;
    private readonly IdSet? _exported;
    private readonly ResumeSet? _resume;
    private long _asked;
    private long _skipped;
    private long _notExported;

    /// <param name="console">The console.</param>
    /// <param name="session">The command's client and settings.</param>
    /// <param name="summary">The run's counts; its <see cref="RunSummary.DeleteItems"/> and <see cref="RunSummary.Verify"/> go into <see cref="Options"/>.</param>
    /// <param name="user">The user the run is for (null for a <c>delete</c> without <c>--user</c>): its digest goes into the receipt's run header.</param>
    /// <param name="resume">For <c>delete --resume</c>: the ids the receipt says are done for this user; left alone (and counted).</param>
    /// <param name="exported">For <c>erase --export-first</c>: the ids exported; any other conversation is left alone (and counted).</param>
    public DeleteRun(CliConsole console, Session session, RunSummary summary, string? user, ResumeSet? resume = null, IdSet? exported = null)
    {
        _exported = exported;
        _resume = resume;
        _console = console;
        _session = session;
        _summary = summary;
        _display = new RunDisplay(console, session.Output, summary);
        _receipt = Receipt.Open(session.ReceiptPath);
        _receipt.WriteRunStart(summary.Command, RunFor.Of(session, user), console.Time.GetUtcNow());
        _stopNotice = console.CtrlC.FirstPress.Register(() => console.Error.WriteLine(
            "conversations: stopping: no new delete is started; those in flight finish and get their receipt lines (Ctrl+C again aborts them)."));
        Options = new BulkDeleteOptions
        {
            MaxConcurrency = session.Bulk.MaxConcurrency,
            PageSize = session.Bulk.PageSize,
            ShouldSkip = Skip,
            StopToken = console.CtrlC.FirstPress,
            DeleteItems = summary.DeleteItems,
            Verify = summary.Verify,
        };
    }

    /// <summary>The options of the run's SDK call: the command line's, the ids to skip (resumed receipt, export), and the first Ctrl+C to stop.</summary>
    public BulkDeleteOptions Options { get; }

    /// <summary>The token of the run's SDK call: the second Ctrl+C, which aborts the deletes in flight.</summary>
    public CancellationToken Abort => _console.CtrlC.SecondPress;

    /// <summary>
    /// Writes each result's receipt and display line as <paramref name="results"/> (the run's SDK call, made with
    /// <see cref="Options"/> and <see cref="Abort"/>) streams it, until its end or a second Ctrl+C; other exceptions
    /// (a listing that broke off) are the caller's.
    /// </summary>
    public async Task RecordAsync(IAsyncEnumerable<DeleteConversationResult> results)
    {
        try
        {
            await foreach (var result in results.ConfigureAwait(false))
            {
                Record(result);
            }

            _summary.Ended = true;
        }
        catch (OperationCanceledException) when (Abort.IsCancellationRequested)
        {
            _summary.Aborted = true;
        }
    }

    /// <summary>A listing broke off: says so on standard error, ends the run; returns the exit code.</summary>
    public int ListingFailed(ConversationApiException ex)
    {
        _summary.ListingError = _session.MessageOf(ex);
        CommandSteps.ListingFailed(_console, _summary.ListingError);
        return Finish();
    }

    /// <summary>Reading the ids failed: says so on standard error, ends the run; returns the exit code.</summary>
    public int InputFailed(Exception ex)
    {
        _summary.InputError = ex.Message;
        _console.Error.WriteLine($"conversations: reading the ids failed, so no further id was read: {ex.Message}");
        return Finish();
    }

    /// <summary>Ends the run: the summary on the display and as the receipt's last line; returns the exit code.</summary>
    public int Finish()
    {
        // The SDK asks the skip test once per distinct id it is about to delete: for erase, each conversation listed.
        _summary.Listed = Interlocked.Read(ref _asked);
        _summary.Skipped = Interlocked.Read(ref _skipped);
        _summary.NotExported = Interlocked.Read(ref _notExported);
        _summary.Canceled = _console.CtrlC.FirstPress.IsCancellationRequested;
        if (_summary.Command == "delete" && _summary.NotFound > 0 && _summary.NotFound == _summary.Done)
        {
            // Dify and Azure answer 404 for another user's conversation: every id "not found" is more often a wrong
            // --user than ids that are all gone, and their checks say only that this user cannot see them.
            _console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"conversations: none of the {_summary.NotFound} ids was found for this user; if they exist, check --user (a conversation of another user answers 404)."));
        }

        if (_summary.NotExported > 0)
        {
            // Made after the export (or deleted during it and listed again): still stored, so the erasure is not complete.
            _console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"conversations: {_summary.NotExported} conversation(s) of the user are not in the export (made after it) and were left stored, so the erasure is not complete: run erase --export-first again to export and erase them."));
        }

        _display.Finish();
        _receipt.WriteSummary(_summary);
        return _summary.Canceled ? ExitCodes.Canceled
            : _summary.IsIncomplete ? ExitCodes.SomeFailed
            : ExitCodes.Success;
    }

    public void Dispose()
    {
        _stopNotice.Dispose();
        _receipt.Dispose();
    }

    /// <summary>
    /// The SDK's skip test, asked on the SDK's own task: an id the resumed receipt says is done (<c>delete</c> only: what an
    /// erasure lists is not gone, whatever a receipt says), or (<c>--export-first</c>) one that is not in the export, is
    /// left alone (and counted).
    /// </summary>
    private bool Skip(string id)
    {
        Interlocked.Increment(ref _asked);
        if (_exported?.Contains(id) == false)
        {
            Interlocked.Increment(ref _notExported);
            return true;
        }

        if (_resume?.Contains(id) != true)
        {
            return false;
        }

        Interlocked.Increment(ref _skipped);
        return true;
    }

    private void Record(DeleteConversationResult result)
    {
        var time = _console.Time.GetUtcNow();
        if (result.Error?.Code == ConversationApiError.OutcomeUnknownCode)
        {
            // Cancelled in flight: the service may have deleted it or not. The SDK cancels only on the second Ctrl+C.
            var reason = Abort.IsCancellationRequested ? "Aborted by a second Ctrl+C while in flight" : "Cancelled while in flight";
            _receipt.WriteUnknown(result.ConversationId, reason, time);
            _display.Unknown(result.ConversationId);
            return;
        }

        var message = _session.MessageOf(result.Error);
        _receipt.Write(result, message, time);
        _display.Result(result, message);
    }
}
