namespace ConversationClient.Http;

/// <summary>
/// A token that is canceled after a time on a <see cref="TimeProvider"/> or with the caller's token, whichever comes
/// first: what Polly's timeout strategy makes, without a strategy around it. On the system clock the token sources
/// are reused, as Polly reuses them.
/// </summary>
internal readonly struct AttemptTimer
{
    [ThreadStatic]
    private static CancellationTokenSource? t_spare;

    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _registration;
    private readonly bool _pooled;

    private AttemptTimer(CancellationTokenSource source, CancellationTokenRegistration registration, bool pooled)
    {
        _source = source;
        _registration = registration;
        _pooled = pooled;
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Starts the timer; <paramref name="timeout"/> is positive or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static AttemptTimer Start(TimeProvider timeProvider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CancellationTokenSource source;
        var pooled = timeProvider == TimeProvider.System;
        if (pooled)
        {
            source = t_spare ?? new CancellationTokenSource();
            t_spare = null;
            source.CancelAfter(timeout);
        }
        else
        {
            source = new CancellationTokenSource(timeout, timeProvider);
        }

        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new AttemptTimer(source, registration, pooled);
    }

    /// <summary>Stops the timer and tells whether the token was canceled (by the timer or by the caller's token).</summary>
    public bool Stop()
    {
        _registration.Dispose();
        if (_source.IsCancellationRequested)
        {
            _source.Dispose();
            return true;
        }

        if (_pooled && _source.TryReset())
        {
            t_spare = _source;
        }
        else
        {
            _source.Dispose();
        }

        return false;
    }
}
