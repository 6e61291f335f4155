using System.Collections.Concurrent;

namespace ConversationClient.Http;

/// <summary>
/// A token that is canceled after a time on a <see cref="TimeProvider"/> or with the caller's token, whichever comes
/// first: what Polly's timeout strategy makes, without a strategy around it. On the system clock the token sources
/// are reused, as Polly reuses them: from a pool shared by all threads, because a call often starts on one thread and
/// ends on another.
/// </summary>
internal readonly struct AttemptTimer
{
    /// <summary>The most token sources kept for reuse (the most deletes a batch runs at once).</summary>
    internal const int MaxSpares = 64;

    private static readonly ConcurrentQueue<CancellationTokenSource> Spares = new();
    private static CancellationTokenSource? s_fastSpare;
    private static int s_spareCount;

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

    /// <summary>How many token sources wait for reuse now (for tests).</summary>
    internal static int SpareCount => Volatile.Read(ref s_spareCount) + (Volatile.Read(ref s_fastSpare) is null ? 0 : 1);

    /// <summary>Starts the timer; <paramref name="timeout"/> is positive or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static AttemptTimer Start(TimeProvider timeProvider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CancellationTokenSource source;
        var pooled = timeProvider == TimeProvider.System;
        if (pooled)
        {
            source = Rent();
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
            Return(_source);
        }
        else
        {
            _source.Dispose();
        }

        return false;
    }

    private static CancellationTokenSource Rent()
    {
        if (Interlocked.Exchange(ref s_fastSpare, null) is { } fast)
        {
            return fast;
        }

        if (Spares.TryDequeue(out var spare))
        {
            Interlocked.Decrement(ref s_spareCount);
            return spare;
        }

        return new CancellationTokenSource();
    }

    private static void Return(CancellationTokenSource source)
    {
        if (Interlocked.CompareExchange(ref s_fastSpare, source, null) is null)
        {
            return;
        }

        if (Interlocked.Increment(ref s_spareCount) <= MaxSpares)
        {
            Spares.Enqueue(source);
            return;
        }

        Interlocked.Decrement(ref s_spareCount);
        source.Dispose();
    }
}
