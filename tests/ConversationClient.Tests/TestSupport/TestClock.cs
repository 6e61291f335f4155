namespace ConversationClient.Tests.TestSupport;

/// <summary>
/// A manual clock: timers fire only when the test advances time, so waits of seconds take none. <see cref="RunAsync{T}"/>
/// drives a call to completion by jumping from one due timer to the next.
/// </summary>
/// <remarks>
/// Kept by hand for <see cref="RunAsync{T}"/> alone: FakeTimeProvider (Microsoft.Extensions.TimeProvider.Testing) moves
/// time only by fixed amounts and does not tell when its next timer is due, nor when a timer was made or changed, so
/// it cannot run a call whose waits are made while it runs (retries, their delays, attempt timers) to its end. Tests
/// that only move time by known steps use FakeTimeProvider (BatchPacerTests).
/// </remarks>
internal sealed class TestClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ClockTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Counts every timer made, changed or disposed, so <see cref="RunAsync{T}"/> can tell when the call is still moving.</summary>
    private int _version;

    public DateTimeOffset Start { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Time passed since the clock was made.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Start;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ClockTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            ClockTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }

                _now = next.Due!.Value;
                next.Reschedule(_now);
            }

            next.Fire();
        }
    }

    /// <summary>Drives <paramref name="call"/> to its end: lets it run, then jumps to the next due timer, until it completes.</summary>
    public async Task<T> RunAsync<T>(Task<T> call)
    {
        var realDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!call.IsCompleted)
        {
            // Let continuations on the thread pool reach their next wait before time moves: time moves only after two
            // 5 ms windows in a row in which no timer changed and no work waited in the pool. One window was not
            // always enough on a loaded machine: a retry's delay timer was not made yet, and time jumped past it.
            var quiet = 0;
            while (quiet < 2 && !call.IsCompleted)
            {
                var before = Volatile.Read(ref _version);
                await Task.WhenAny(call, Task.Delay(5)).ConfigureAwait(false);
                quiet = Volatile.Read(ref _version) == before && ThreadPool.PendingWorkItemCount == 0 ? quiet + 1 : 0;
                if (DateTime.UtcNow > realDeadline)
                {
                    throw new TimeoutException("The call did not settle on the test clock.");
                }
            }

            if (call.IsCompleted)
            {
                break;
            }

            TimeSpan? untilNext;
            lock (_lock)
            {
                var due = _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value).DefaultIfEmpty().Min();
                untilNext = due == default ? null : due - _now;
            }

            if (untilNext is { } wait)
            {
                Advance(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            }
            else if (DateTime.UtcNow > realDeadline)
            {
                throw new TimeoutException("The call neither completed nor waited on the test clock.");
            }
        }

        return await call.ConfigureAwait(false);
    }

    public Task RunAsync(Task call) => RunAsync(WrapAsync(call));

    private static async Task<bool> WrapAsync(Task call)
    {
        await call.ConfigureAwait(false);
        return true;
    }

    private sealed class ClockTimer(TestClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                clock._version++;
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    Due = null;
                    clock._timers.Remove(this);
                }
                else
                {
                    Due = clock._now + dueTime;
                    if (!clock._timers.Contains(this))
                    {
                        clock._timers.Add(this);
                    }
                }
            }

            return true;
        }

        /// <summary>Called under the clock's lock when the timer fires.</summary>
        public void Reschedule(DateTimeOffset now)
        {
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                Due = now + _period;
            }
            else
            {
                Due = null;
                clock._timers.Remove(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._version++;
                Due = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
