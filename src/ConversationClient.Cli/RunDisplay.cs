using System.Globalization;

namespace ConversationClient.Cli;

/// <summary>
/// What a delete or erase run shows as it goes. On a terminal: one status line (deleted / not found / failed, retries,
/// rate) rewritten in place a few times a second. Redirected: one plain line per conversation (<c>Deleted id</c>), easy
/// to grep. With <c>--output json</c>: nothing until the JSON summary. Failed ids go to standard error in every mode.
/// </summary>
internal sealed class RunDisplay
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    private readonly CliConsole _console;
    private readonly OutputFormat _format;
    private readonly RunSummary _summary;
    private readonly long _started;
    private long _lastDrawn;
    private bool _drawn;

    public RunDisplay(CliConsole console, OutputFormat format, RunSummary summary)
    {
        _console = console;
        _format = format;
        _summary = summary;
        _started = console.Time.GetTimestamp();
        _lastDrawn = _started;
    }

    private bool Live => _format == OutputFormat.Text && _console.OutputIsTerminal;

    /// <summary>A delete's result; <paramref name="message"/> is what to show of its error (see Session.MessageOf).</summary>
    public void Result(DeleteConversationResult result, string? message)
    {
        _summary.Count(result);
        if (result.Outcome == DeleteConversationOutcome.Failed)
        {
            ClearLine();
            _console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"failed: {CliConsole.Printable(result.ConversationId)} ({result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no status"} {CliConsole.Printable(result.Error?.Code)}: {CliConsole.Printable(message)})"));
        }

        if (_format == OutputFormat.Text && !Live)
        {
            _console.Out.WriteLine($"{Receipt.OutcomeName(result.Outcome)} {CliConsole.Printable(result.ConversationId)}");
        }

        Tick();
    }

    /// <summary>A delete aborted in flight by a second Ctrl+C: on standard error in every mode, as failures are.</summary>
    public void Unknown(string id)
    {
        _summary.Unknown++;
        ClearLine();
        _console.Error.WriteLine($"unknown: {CliConsole.Printable(id)} (aborted in flight: the service may or may not have deleted it)");
        if (_format == OutputFormat.Text && !Live)
        {
            _console.Out.WriteLine($"{Receipt.UnknownOutcome} {CliConsole.Printable(id)}");
        }
    }

    /// <summary>A line of information (listing progress, dry-run ids) in text mode; nothing in JSON mode.</summary>
    public void Line(string text)
    {
        if (_format == OutputFormat.Text)
        {
            ClearLine();
            _console.Out.WriteLine(text);
        }
    }

    public void Tick()
    {
        _summary.Elapsed = _console.Time.GetElapsedTime(_started);
        if (Live && _console.Time.GetElapsedTime(_lastDrawn) >= Refresh)
        {
            _lastDrawn = _console.Time.GetTimestamp();
            _console.Out.Write("\r" + Status() + "   ");
            _console.Out.Flush();
            _drawn = true;
        }
    }

    /// <summary>Ends the run: the summary as text or JSON on standard output.</summary>
    public void Finish()
    {
        _summary.Elapsed = _console.Time.GetElapsedTime(_started);
        _summary.Finished = _console.Time.GetUtcNow();
        ClearLine();
        if (_format == OutputFormat.Json)
        {
            _console.Out.WriteLine(_summary.ToJson());
        }
        else
        {
            var erase = _summary.Command == "erase";
            var listed = erase ? string.Create(CultureInfo.InvariantCulture, $"listed {_summary.Listed}, ") : "";
            var skipped = _summary.Skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", skipped {_summary.Skipped} (done in the resumed receipt)") : "";
            var notExported = _summary.Export is not null
                ? string.Create(CultureInfo.InvariantCulture, $", left {_summary.NotExported} not in the export (made after it)")
                : "";
            var state = _summary.Aborted ? " (aborted by a second Ctrl+C)"
                : _summary.Canceled ? " (stopped by Ctrl+C)"
                : _summary.InputError is not null ? " (reading the ids failed)"
                : "";
            // "verified" speaks of the deletes that went through; a run with failures (or anything else left) says so
            // last, as the JSON summary's "complete" does, so the line never reads as done when it is not.
            var incomplete = _summary.DryRun || _summary.IsComplete ? "" : "; NOT complete";
            WriteLimits();
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{_summary.Command}{state}: {listed}{Status()}{(_summary.DryRun ? "" : Erasure())}{skipped}{notExported}{incomplete}"));
        }

        _console.Out.Flush();
    }

    private string Status()
    {
        var unknown = _summary.Unknown > 0 ? string.Create(CultureInfo.InvariantCulture, $"unknown {_summary.Unknown}, ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"deleted {_summary.Deleted}, not found {_summary.NotFound}, failed {_summary.Failed}, {unknown}retries {_summary.Retries}, {_summary.Rate:0.#}/s");
    }

    /// <summary>What a run's verification found, the items (and stored responses) it deleted, and the conversations whose stored responses it could not check.</summary>
    private string Erasure()
    {
        var items = string.Create(CultureInfo.InvariantCulture, $", items deleted {_summary.ItemsDeleted}")
            + (_summary.ResponsesDeleted == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", stored responses deleted {_summary.ResponsesDeleted}"))
            + (_summary.ResponsesNotChecked == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", stored responses not checked {_summary.ResponsesNotChecked}"));
        if (!_summary.Verify)
        {
            return items + ", not verified (--no-verify)";
        }

        var unverified = _summary.Unverified > 0 ? string.Create(CultureInfo.InvariantCulture, $", unverified {_summary.Unverified}") : "";
        var verdict = _summary.IsVerified ? "verified" : "NOT verified";
        return items + string.Create(CultureInfo.InvariantCulture,
            $", gone {_summary.Verified}, still present {_summary.StillPresent}{unverified}: {verdict}");
    }

    /// <summary>The block of what the service's API cannot erase, each with its source, before a run's summary line.</summary>
    private void WriteLimits()
    {
        if (_summary.Limits.Count == 0)
        {
            return;
        }

        _console.Out.WriteLine("Not erasable through the API (erase it by other means, and tell whoever asked for the erasure):");
        foreach (var limit in _summary.Limits)
        {
            _console.Out.WriteLine($"  - {limit.Description} (source: {limit.Source})");
        }
    }

    private void ClearLine()
    {
        if (_drawn)
        {
            _console.Out.Write("\r" + new string(' ', 100) + "\r");
            _drawn = false;
        }
    }
}

/// <summary>The <c>--output</c> format.</summary>
internal enum OutputFormat
{
    /// <summary>Progress on a terminal, plain lines when redirected.</summary>
    Text,

    /// <summary>A JSON summary (delete, erase) or JSON lines (list) for scripts.</summary>
    Json,
}
