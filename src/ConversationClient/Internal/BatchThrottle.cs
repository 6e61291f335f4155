namespace ConversationClient.Internal;

/// <summary>
/// Paces a batch of deletes as a whole: at most <c>limit</c> at once, where the limit halves (down to one) and the
/// batch pauses for the server's wait whenever the service pushes back, then climbs by one per round of successes
/// back to the maximum.
/// </summary>
internal sealed class BatchThrottle
{
    private readonly object _lock = new();
    private readonly int _max;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _maxPause;
    private int _limit;
    private int _inFlight;
    private int _successesAtLimit;
    private DateTimeOffset _pausedUntil;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="maxConcurrency">The most deletes at once.</param>
    /// <param name="maxPause">The longest the batch pauses for one push-back (the client's MaxDelay): a longer server wait is not made by a single call either.</param>
    /// <param name="timeProvider">The clock.</param>
    public BatchThrottle(int maxConcurrency, TimeSpan maxPause, TimeProvider timeProvider)
    {
        _max = maxConcurrency;
        _maxPause = maxPause;
        _limit = maxConcurrency;
        _timeProvider = timeProvider;
        Throttled = OnThrottled;
    }

    /// <summary>The callback for <see cref="Http.RequestState.Throttled"/>, made once.</summary>
    public Action<TimeSpan> Throttled { get; }

    /// <summary>The current concurrency limit.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>Waits until a delete may start (no pause, fewer than the limit in flight) and takes its slot.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task changed;
            TimeSpan pause;
            lock (_lock)
            {
                pause = _pausedUntil - _timeProvider.GetUtcNow();
                if (pause <= TimeSpan.Zero && _inFlight < _limit)
                {
                    _inFlight++;
                    return;
                }

                changed = _changed.Task;
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Gives a slot back; a success counts towards raising the limit again.</summary>
    public void Exit(DeleteConversationResult? result)
    {
        lock (_lock)
        {
            _inFlight--;
            if (result is { Outcome: not DeleteConversationOutcome.Failed } && _limit < _max && ++_successesAtLimit >= _limit)
            {
                _limit++;
                _successesAtLimit = 0;
            }

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

    private void OnThrottled(TimeSpan wait)
    {
        if (wait > _maxPause)
        {
            wait = _maxPause;
        }

        lock (_lock)
        {
            // A burst of push-backs (every call in flight meeting the same 429) halves the limit once, not once each.
            var now = _timeProvider.GetUtcNow();
            if (now >= _pausedUntil)
            {
                _limit = Math.Max(1, _limit / 2);
                _successesAtLimit = 0;
            }

            var until = now + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
