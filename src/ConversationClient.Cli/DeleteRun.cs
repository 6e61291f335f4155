using System.Runtime.CompilerServices;

namespace ConversationClient.Cli;

/// <summary>
/// The deleting part of a <c>delete</c> or <c>erase</c> run: hands ids to DeleteManyAsync, writes each result's receipt
/// line and display line, and keeps the receipt's promise that every id handed over has a line, whatever Ctrl+C does.
/// The first Ctrl+C stops handing over ids, so the deletes in flight finish (bounded by their timeouts) and get their
/// lines; the second cancels DeleteManyAsync, and each id handed over without a result yet gets an Unknown line, as
/// the service may have deleted it or not. So does each id in flight when the run breaks off (reading the ids failed).
/// </summary>
internal sealed class DeleteRun : IDisposable
{
    private readonly CliConsole _console;
    private readonly Session _session;
    private readonly Receipt _receipt;
    private readonly CancellationTokenRegistration _stopNotice;

    public DeleteRun(CliConsole console, Session session, RunSummary summary)
    {
        _console = console;
        _session = session;
        Summary = summary;
        Display = new RunDisplay(console, session.Output, summary);
        _receipt = Receipt.Open(session.ReceiptPath);
        _stopNotice = console.CtrlC.FirstPress.Register(() => console.Error.WriteLine(
            "conversations: stopping: no new delete is started; those in flight finish and get their receipt lines (Ctrl+C again aborts them)."));
    }

    public RunSummary Summary { get; }

    public RunDisplay Display { get; }

    /// <summary>Whether Ctrl+C was pressed: start nothing new.</summary>
    public bool Stopping => _console.CtrlC.FirstPress.IsCancellationRequested;

    /// <summary>Deletes <paramref name="ids"/>; see <see cref="DeleteAsync(IAsyncEnumerable{string}, string?)"/>.</summary>
    public Task<bool> DeleteAsync(IEnumerable<string> ids, string? user) => DeleteAsync(ToAsync(ids), user);

    /// <summary>
    /// Deletes the ids (read until Ctrl+C), one receipt line per id handed over. Returns false when a second Ctrl+C
    /// aborted the deletes in flight (each then has an Unknown line), true otherwise; an exception reading the ids is
    /// thrown after the Unknown lines of the deletes it aborted.
    /// </summary>
    public async Task<bool> DeleteAsync(IAsyncEnumerable<string> ids, string? user)
    {
        // The ids handed over that have no result yet. Per call: DeleteManyAsync reports a repeated id once per call.
        // An id repeated after its result is added again and never answered: on an abort it gets an Unknown line
        // after its real one, which overstates, never hides, what may have been deleted.
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        var abort = _console.CtrlC.SecondPress;
        try
        {
            await foreach (var result in _session.Client.DeleteManyAsync(Feed(ids, waiting), user, _session.Bulk, abort).ConfigureAwait(false))
            {
                lock (waiting)
                {
                    waiting.Remove(result.ConversationId);
                }

                Record(result);
            }

            return true;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Unanswered(waiting, "Aborted by a second Ctrl+C while in flight");
            Summary.Aborted = true;
            return false;
        }
        catch (Exception ex)
        {
            // Reading the ids failed, and DeleteManyAsync canceled the deletes in flight: they still get their lines.
            Unanswered(waiting, $"The run broke off ({ex.GetType().Name}) while it was in flight");
            throw;
        }
    }

    /// <summary>A listing broke off: says so on standard error, ends the run; returns the exit code.</summary>
    public int ListingFailed(ConversationApiException ex)
    {
        Summary.ListingError = _session.MessageOf(ex);
        CommandSteps.ListingFailed(_console, Summary.ListingError);
        return Finish();
    }

    /// <summary>Ends the run: the summary on the display and as the receipt's last line; returns the exit code.</summary>
    public int Finish()
    {
        Summary.Canceled = Stopping;
        Display.Finish();
        _receipt.WriteSummary(Summary);
        return Summary.Canceled ? ExitCodes.Canceled
            : Summary.Failed > 0 || Summary.ListingError is not null ? ExitCodes.SomeFailed
            : ExitCodes.Success;
    }

    public void Dispose()
    {
        _stopNotice.Dispose();
        _receipt.Dispose();
    }

    /// <summary>An Unknown line for each id handed over that has no result, as the service may have deleted it or not.</summary>
    private void Unanswered(HashSet<string> waiting, string reason)
    {
        string[] unanswered;
        lock (waiting)
        {
            unanswered = [.. waiting];
        }

        var time = _console.Time.GetUtcNow();
        foreach (var id in unanswered)
        {
            _receipt.WriteUnknown(id, reason, time);
            Display.Unknown(id);
        }
    }

    private void Record(DeleteConversationResult result)
    {
        var message = _session.MessageOf(result.Error);
        _receipt.Write(result, message, _console.Time.GetUtcNow());
        Display.Result(result, message);
    }

    /// <summary>
    /// The ids as DeleteManyAsync reads them, each noted in <paramref name="waiting"/> before it is handed over; ends
    /// at the first Ctrl+C, also when it is waiting for the next id (a pipe or a terminal that has not sent it yet).
    /// It never throws the cancellation: DeleteManyAsync takes an exception from its ids as a failure and cancels the
    /// deletes in flight, which the first Ctrl+C must let finish.
    /// </summary>
    private async IAsyncEnumerable<string> Feed(IAsyncEnumerable<string> ids, HashSet<string> waiting)
    {
        var stop = _console.CtrlC.FirstPress;
        var source = ids.GetAsyncEnumerator(stop);
        await using (source.ConfigureAwait(false))
        {
            while (!stop.IsCancellationRequested)
            {
                bool more;
                try
                {
                    more = await source.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    yield break;
                }

                if (!more || stop.IsCancellationRequested)
                {
                    yield break;
                }

                var id = source.Current;
                lock (waiting)
                {
                    waiting.Add(id);
                }

                yield return id;
            }
        }
    }

    private static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> ids, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
