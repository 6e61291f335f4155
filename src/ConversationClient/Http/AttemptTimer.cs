using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConversationClient.Http;

/// <summary>
/// A token that is canceled after a time on a <see cref="TimeProvider"/> or with the caller's token, whichever comes
/// first: what Polly's timeout strategy makes, without a strategy around it.
/// </summary>
/// <remarks>
/// On the system clock no timer is set per attempt. Each running timer writes its deadline into a
/// <see cref="Watched"/> source, and one shared <see cref="Timer"/> wakes at the earliest deadline, cancels the sources
/// whose deadline has passed and sleeps until the next one. Starting and stopping a timer are then two interlocked
/// writes; the shared timer is set again only when a deadline comes earlier than the one it waits for (with one
/// timeout for all attempts: about once per timeout while calls run). Sources are reused from a pool shared by all
/// threads, because a call often starts on one thread and ends on another; a source that was canceled is never reused.
/// On any other <see cref="TimeProvider"/> each timer is a new <see cref="CancellationTokenSource"/> on that clock.
/// </remarks>
internal readonly struct AttemptTimer
{
    /// <summary>The most token sources kept for reuse (the most deletes a batch runs at once).</summary>
    internal const int MaxSpares = 64;

    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _registration;

    private AttemptTimer(CancellationTokenSource source, CancellationTokenRegistration registration)
    {
        _source = source;
        _registration = registration;
    }

    public CancellationToken Token => _source.Token;

    /// <summary>How many token sources wait for reuse now (for tests).</summary>
    internal static int SpareCount => Watcher.SpareCount;

    /// <summary>How many system-clock token sources the shared timer knows of, running or spare (for tests).</summary>
    internal static int WatchedCount => Watcher.Count;

    /// <summary>Starts the timer; <paramref name="timeout"/> is zero or more, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static AttemptTimer Start(TimeProvider timeProvider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CancellationTokenSource source;
        if (timeProvider == TimeProvider.System)
        {
            var watched = Watcher.Rent();
            source = watched;
            // Without a timeout it is not watched: only the caller's token cancels it.
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                if (timeout <= TimeSpan.Zero)
                {
                    source.Cancel();
                }
                else
                {
                    Watcher.Watch(watched, timeout);
                }
            }
        }
        else
        {
            source = new CancellationTokenSource(timeout, timeProvider);
        }

        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new AttemptTimer(source, registration);
    }

    /// <summary>Stops the timer and tells whether the token was canceled (by the timer or by the caller's token).</summary>
    public bool Stop()
    {
        _registration.Dispose();
        if (_source is not Watched watched)
        {
            var canceled = _source.IsCancellationRequested;
            _source.Dispose();
            return canceled;
        }

        if (Interlocked.Exchange(ref watched.Deadline, Watched.Idle) == Watched.Claimed)
        {
            // The shared timer took it off its list and cancels it (perhaps right now, on its own thread): left alone.
            return true;
        }

        // TryReset fails when the source was canceled (by the caller's token, or at once for a zero timeout).
        if (!watched.TryReset())
        {
            Watcher.Discard(watched);
            return true;
        }

        Watcher.Return(watched);
        return false;
    }

    /// <summary>A system-clock token source with its deadline, known to the shared timer from creation to discard.</summary>
    private sealed class Watched : CancellationTokenSource
    {
        /// <summary>No deadline: spare, stopped, or running without a timeout.</summary>
        public const long Idle = 0;

        /// <summary>The shared timer found the deadline passed and cancels the source.</summary>
        public const long Claimed = -1;

        /// <summary>A <see cref="Stopwatch"/> timestamp, <see cref="Idle"/> or <see cref="Claimed"/>.</summary>
        public long Deadline;

        /// <summary>The position in the shared timer's list (changed only under its lock).</summary>
        public int Index = -1;
    }

    /// <summary>The one timer for all system-clock attempts, its list of sources and the pool of spares.</summary>
    private static class Watcher
    {
        /// <summary>The longest a <see cref="Timer"/> can wait in one go (about 49 days); a later deadline is looked at again then.</summary>
        private const long MaxDueMilliseconds = uint.MaxValue - 1;

        private static readonly object Gate = new();
        private static readonly ConcurrentQueue<Watched> Spares = new();
        private static readonly Timer SharedTimer = CreateTimer();
        private static Watched? s_fastSpare;
        private static int s_spareCount;

        /// <summary>Every source not yet discarded: running, spare, or handed out. Guarded by <see cref="Gate"/>.</summary>
        private static Watched[] s_all = new Watched[MaxSpares * 2];
        private static int s_count;

        /// <summary>The deadline the shared timer is set for; <see cref="long.MaxValue"/> when it is not set.</summary>
        private static long s_due = long.MaxValue;

        public static int SpareCount => Volatile.Read(ref s_spareCount) + (Volatile.Read(ref s_fastSpare) is null ? 0 : 1);

        public static int Count
        {
            get
            {
                lock (Gate)
                {
                    return s_count;
                }
            }
        }

        public static Watched Rent()
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

            var created = new Watched();
            lock (Gate)
            {
                if (s_count == s_all.Length)
                {
                    Array.Resize(ref s_all, s_all.Length * 2);
                }

                created.Index = s_count;
                s_all[s_count++] = created;
            }

            return created;
        }

        public static void Return(Watched watched)
        {
            if (Interlocked.CompareExchange(ref s_fastSpare, watched, null) is null)
            {
                return;
            }

            if (Interlocked.Increment(ref s_spareCount) <= MaxSpares)
            {
                Spares.Enqueue(watched);
                return;
            }

            Interlocked.Decrement(ref s_spareCount);
            Discard(watched);
        }

        /// <summary>Takes a source off the list for good; its deadline is <see cref="Watched.Idle"/>, so the shared timer no longer claims it.</summary>
        public static void Discard(Watched watched)
        {
            lock (Gate)
            {
                if (watched.Index >= 0)
                {
                    RemoveAt(watched.Index);
                }
            }

            watched.Dispose();
        }

        public static void Watch(Watched watched, TimeSpan timeout)
        {
            var now = Stopwatch.GetTimestamp();
            var deadline = now + ToTimestampTicks(timeout, now);

            // A full fence: the shared timer either sees this deadline when it looks, or this thread sees the timer's
            // s_due after it looked (long.MaxValue while it looks) and sets it below.
            Interlocked.Exchange(ref watched.Deadline, deadline);
            if (deadline < Volatile.Read(ref s_due))
            {
                lock (Gate)
                {
                    if (deadline < s_due)
                    {
                        SetTimer(deadline, now);
                    }
                }
            }
        }

        private static long ToTimestampTicks(TimeSpan timeout, long now)
        {
            // At least one tick, at most what keeps the deadline far from overflowing (centuries away either way).
            var limit = (long.MaxValue / 2) - now;
            var seconds = timeout.TotalSeconds;
            return seconds >= (double)limit / Stopwatch.Frequency
                ? limit
                : Math.Max(1, (long)Math.Ceiling(seconds * Stopwatch.Frequency));
        }

        /// <summary>Sets the shared timer for <paramref name="deadline"/>; called under <see cref="Gate"/>.</summary>
        private static void SetTimer(long deadline, long now)
        {
            s_due = deadline;

            // Rounded up to whole milliseconds, so that the timer does not wake before the deadline it was set for.
            var dueMilliseconds = (long)Math.Ceiling((deadline - now) * 1000.0 / Stopwatch.Frequency);
            SharedTimer.Change(Math.Clamp(dueMilliseconds, 1, MaxDueMilliseconds), Timeout.Infinite);
        }

        private static Timer CreateTimer()
        {
            // The timer's callback must not run in the execution context (activities, async locals) of the first call.
            using (ExecutionContext.SuppressFlow())
            {
                return new Timer(static _ => OnTimer(), null, Timeout.Infinite, Timeout.Infinite);
            }
        }

        private static void OnTimer()
        {
            List<Watched>? expired = null;
            lock (Gate)
            {
                // A full fence before the deadlines are read (see Watch).
                Interlocked.Exchange(ref s_due, long.MaxValue);
                var now = Stopwatch.GetTimestamp();
                var next = long.MaxValue;

                // Backwards, so that the source moved into a removed one's place has been looked at already.
                for (var i = s_count - 1; i >= 0; i--)
                {
                    var watched = s_all[i];
                    var deadline = Volatile.Read(ref watched.Deadline);
                    if (deadline <= Watched.Idle)
                    {
                        continue;
                    }

                    if (deadline > now)
                    {
                        next = Math.Min(next, deadline);
                    }
                    else if (Interlocked.CompareExchange(ref watched.Deadline, Watched.Claimed, deadline) == deadline)
                    {
                        RemoveAt(i);
                        (expired ??= []).Add(watched);
                    }
                }

                if (next != long.MaxValue)
                {
                    SetTimer(next, now);
                }
            }

            if (expired is null)
            {
                return;
            }

            foreach (var watched in expired)
            {
                try
                {
                    watched.Cancel();
                }
                catch (AggregateException)
                {
                    // A callback registered on the token threw; the cancellation itself has happened. Nothing to tell on
                    // a timer thread, and the other expired sources must still be canceled.
                }
            }
        }

        /// <summary>Swap-removes the source at <paramref name="index"/>; called under <see cref="Gate"/>.</summary>
        private static void RemoveAt(int index)
        {
            var removed = s_all[index];
            var last = s_all[--s_count];
            s_all[index] = last;
            last.Index = index;
            s_all[s_count] = null!;
            removed.Index = -1;
        }
    }
}
