namespace ConversationClient.Cli;

/// <summary>
/// Ctrl+C as two steps. The first press stops the run from starting anything new (listing, reading ids, new deletes)
/// and lets the deletes in flight finish, so each gets its receipt line; the second aborts what is still in flight.
/// The process turns Console.CancelKeyPress into <see cref="Press"/>; tests press it themselves.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _first = new();
    private readonly CancellationTokenSource _second = new();
    private int _presses;

    /// <summary>Canceled by the first press: start nothing new.</summary>
    public CancellationToken FirstPress => _first.Token;

    /// <summary>Canceled by the second press: abort the deletes in flight.</summary>
    public CancellationToken SecondPress => _second.Token;

    /// <summary>Presses Ctrl+C once more; presses after the second change nothing.</summary>
    public void Press()
    {
        switch (Interlocked.Increment(ref _presses))
        {
            case 1:
                _first.Cancel();
                break;
            case 2:
                _second.Cancel();
                break;
        }
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
