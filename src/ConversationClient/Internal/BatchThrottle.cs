namespace ConversationClient.Internal;

/// <summary>
/// The slots of a batch: at most <c>maxConcurrency</c> deletes at once, and a way to wait until none is left. How fast
/// deletes start is <see cref="BatchPacer"/>'s, per attempt; this only bounds how many run (and how much memory the
/// batch holds).
/// </summary>
internal sealed class BatchThrottle(int maxConcurrency)
{
    private readonly object _lock = new();
    private int _inFlight;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits until fewer than the maximum are in flight and takes a slot.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task changed;
            lock (_lock)
            {
                if (_inFlight < maxConcurrency)
                {
                    _inFlight++;
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives a slot back.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
            Signal();
        }
    }

    /// <summary>Completes when nothing is in flight.</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_inFlight == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
