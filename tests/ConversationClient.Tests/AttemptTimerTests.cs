using ConversationClient.Http;
using Microsoft.Extensions.Time.Testing;

namespace ConversationClient.Tests;

/// <summary>
/// The attempt timer on the system clock: one shared timer cancels the sources whose deadline passed, whatever order
/// their deadlines come in; token sources are reused across threads, never after they were canceled, and at most
/// <see cref="AttemptTimer.MaxSpares"/> are kept.
/// </summary>
[NonParallelizable]
public sealed class AttemptTimerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [Test]
    public async Task A_timer_stopped_on_another_thread_is_reused_by_the_next_start()
    {
        var first = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);
        var token = first.Token;

        var canceled = await Task.Run(first.Stop);
        var next = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(canceled, Is.False);
            Assert.That(next.Token, Is.EqualTo(token), "the same token source");
            Assert.That(next.Token.IsCancellationRequested, Is.False);
        });
        Assert.That(next.Stop(), Is.False);
    }

    [Test]
    public void A_reused_timer_still_fires()
    {
        var first = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);
        first.Stop();

        var reused = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.That(reused.Token, Is.EqualTo(first.Token), "the same token source");
        Assert.That(reused.Token.WaitHandle.WaitOne(Wait), Is.True, "the reused timer fired");
        Assert.That(reused.Stop(), Is.True);
    }

    [Test]
    public void A_timer_that_fired_is_not_reused()
    {
        var fired = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        var firedToken = fired.Token;
        Assert.That(firedToken.WaitHandle.WaitOne(Wait), Is.True);
        Assert.That(fired.Stop(), Is.True);

        var next = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(next.Token, Is.Not.EqualTo(firedToken));
            Assert.That(next.Token.IsCancellationRequested, Is.False);
        });
        Assert.That(next.Stop(), Is.False);
    }

    [Test]
    public void A_timer_canceled_by_the_caller_is_not_reused_and_the_caller_token_lets_go_of_it()
    {
        using var caller = new CancellationTokenSource();
        var timer = AttemptTimer.Start(TimeProvider.System, Long, caller.Token);
        var timerToken = timer.Token;
        caller.Cancel();
        Assert.That(timerToken.IsCancellationRequested, Is.True);
        Assert.That(timer.Stop(), Is.True);

        using var later = new CancellationTokenSource();
        var next = AttemptTimer.Start(TimeProvider.System, Long, later.Token);
        var nextToken = next.Token;
        var stopped = next.Stop();
        later.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(stopped, Is.False);
            Assert.That(nextToken, Is.Not.EqualTo(timerToken));
            Assert.That(nextToken.IsCancellationRequested, Is.False, "a stopped timer no longer follows the caller's token");
        });
    }

    [Test]
    public void At_most_MaxSpares_token_sources_are_kept()
    {
        var timers = Enumerable.Range(0, AttemptTimer.MaxSpares * 2)
            .Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None))
            .ToList();
        Assert.That(timers.Select(t => t.Token).Distinct().Count(), Is.EqualTo(timers.Count), "each running timer has its own source");

        foreach (var timer in timers)
        {
            timer.Stop();
        }

        // The fast slot and the queue.
        Assert.That(AttemptTimer.SpareCount, Is.EqualTo(AttemptTimer.MaxSpares + 1));
    }

    [Test]
    public void A_timer_on_another_clock_fires_on_that_clock_and_is_not_pooled()
    {
        var clock = new TestSupport.TestClock();
        var stopped = AttemptTimer.Start(clock, TimeSpan.FromSeconds(1), CancellationToken.None);
        var stoppedToken = stopped.Token;
        Assert.That(stopped.Stop(), Is.False);
        // Every spare in the pool (at most MaxSpares + 1) is handed out; none is the stopped timer's source.
        var rented = Enumerable.Range(0, AttemptTimer.MaxSpares + 2)
            .Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None))
            .ToList();
        Assert.That(rented.Select(t => t.Token), Has.None.EqualTo(stoppedToken), "not put back in the pool");
        rented.ForEach(t => t.Stop());

        var timer = AttemptTimer.Start(clock, TimeSpan.FromSeconds(1), CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(timer.Token.IsCancellationRequested, Is.False);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That(timer.Token.IsCancellationRequested, Is.True);
        Assert.That(timer.Stop(), Is.True);
    }

    [Test]
    public void A_shorter_timeout_started_after_a_longer_one_fires_first()
    {
        var longer = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);
        var shorter = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.That(shorter.Token.WaitHandle.WaitOne(Wait), Is.True, "the shared timer was set earlier for the shorter deadline");
        Assert.That(longer.Token.IsCancellationRequested, Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(shorter.Stop(), Is.True);
            Assert.That(longer.Stop(), Is.False);
        });
    }

    [Test]
    public void After_firing_the_shared_timer_waits_for_the_next_deadline()
    {
        var first = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(10), CancellationToken.None);
        var second = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(150), CancellationToken.None);

        Assert.That(first.Token.WaitHandle.WaitOne(Wait), Is.True);
        Assert.That(second.Token.WaitHandle.WaitOne(Wait), Is.True, "the later deadline fired after the earlier one's wake-up");
        Assert.Multiple(() =>
        {
            Assert.That(first.Stop(), Is.True);
            Assert.That(second.Stop(), Is.True);
        });
    }

    [Test]
    public void Only_the_timers_whose_deadline_passed_are_canceled()
    {
        var watchedBefore = AttemptTimer.WatchedCount;
        var shortTimers = Enumerable.Range(0, 100)
            .Select(i => AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(1 + (i % 20)), CancellationToken.None))
            .ToList();
        var longTimers = Enumerable.Range(0, 100)
            .Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None))
            .ToList();

        var until = DateTime.UtcNow + Wait;
        Assert.That(shortTimers.All(t => t.Token.WaitHandle.WaitOne(Max(until - DateTime.UtcNow, TimeSpan.Zero))), Is.True, "every short timer fired");
        Assert.That(longTimers.Select(t => t.Token.IsCancellationRequested), Has.All.False);
        Assert.Multiple(() =>
        {
            Assert.That(shortTimers.Select(t => t.Stop()), Has.All.True);
            Assert.That(longTimers.Select(t => t.Stop()), Has.All.False);
        });

        // The fired ones are forgotten; of the long ones, the spares are kept and the rest let go.
        Assert.That(AttemptTimer.WatchedCount, Is.LessThanOrEqualTo(Math.Max(watchedBefore, AttemptTimer.MaxSpares + 1)));
    }

    [Test]
    public void A_timer_stopped_before_its_deadline_is_not_canceled_when_the_deadline_passes()
    {
        var timer = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(30), CancellationToken.None);
        var token = timer.Token;
        Assert.That(timer.Stop(), Is.False);

        // A later timer on the shared timer fires after the stopped one's deadline.
        var later = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.That(later.Token, Is.EqualTo(token), "the stopped source is reused");
        Assert.That(later.Token.WaitHandle.WaitOne(Wait), Is.True);
        later.Stop();

        var spare = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);
        Assert.That(spare.Token.IsCancellationRequested, Is.False);
        spare.Stop();
    }

    [Test]
    public void A_stopped_timer_deadline_is_forgotten()
    {
        var stopped = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(30), CancellationToken.None);
        Assert.That(stopped.Stop(), Is.False);
        // Held (not returned), so the stopped source cannot be handed out again while the deadline passes.
        var holding = Enumerable.Range(0, AttemptTimer.MaxSpares + 2)
            .Select(_ => AttemptTimer.Start(TimeProvider.System, Timeout.InfiniteTimeSpan, CancellationToken.None))
            .ToList();
        var stoppedSource = holding.Single(t => t.Token == stopped.Token);
        var witness = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(120), CancellationToken.None);

        Assert.That(witness.Token.WaitHandle.WaitOne(Wait), Is.True);
        Assert.That(stoppedSource.Token.IsCancellationRequested, Is.False, "the stopped timer's old deadline did not cancel it");
        witness.Stop();
        Assert.That(holding.Select(t => t.Stop()), Has.All.False, "timers without a timeout never fire");
    }

    private static IEnumerable<TestCaseData> VeryLongTimeouts()
    {
        yield return new TestCaseData(TimeSpan.FromDays(60)).SetArgDisplayNames("60 days, beyond what a Timer waits in one go");
        yield return new TestCaseData(TimeSpan.MaxValue).SetArgDisplayNames("TimeSpan.MaxValue");
    }

    [TestCaseSource(nameof(VeryLongTimeouts))]
    public void A_timeout_longer_than_the_shared_timer_can_wait_is_accepted_and_does_not_fire(TimeSpan timeout)
    {
        // A short timer fires first, so that no earlier deadline is pending and the long one sets the shared timer.
        var flush = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        Assert.That(flush.Token.WaitHandle.WaitOne(Wait), Is.True);
        flush.Stop();

        var far = AttemptTimer.Start(TimeProvider.System, timeout, CancellationToken.None);
        var witness = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.That(witness.Token.WaitHandle.WaitOne(Wait), Is.True, "a shorter deadline started later still fires");
        Assert.That(far.Token.IsCancellationRequested, Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(witness.Stop(), Is.True);
            Assert.That(far.Stop(), Is.False);
        });
    }

    [Test]
    public void A_timer_on_another_clock_stopped_in_time_never_fires_afterwards()
    {
        var clock = new FakeTimeProvider();
        var timer = AttemptTimer.Start(clock, TimeSpan.FromSeconds(1), CancellationToken.None);
        var token = timer.Token;

        Assert.That(timer.Stop(), Is.False);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.That(token.IsCancellationRequested, Is.False, "its clock's timer went with it");
    }

    [Test]
    public void A_timer_canceled_by_the_caller_is_let_go_off_the_list_and_disposed()
    {
        using var caller = new CancellationTokenSource();
        var timer = AttemptTimer.Start(TimeProvider.System, Long, caller.Token);
        var token = timer.Token;
        var watched = AttemptTimer.WatchedCount;
        Assert.That(watched, Is.GreaterThan(0), "the running source is on the shared timer's list");

        caller.Cancel();
        Assert.That(timer.Stop(), Is.True);

        Assert.That(AttemptTimer.WatchedCount, Is.EqualTo(watched - 1));
        Assert.That(() => token.WaitHandle, Throws.InstanceOf<ObjectDisposedException>(), "its source is disposed");
    }

    [Test]
    public void Stopped_sources_are_all_handed_out_again_until_none_is_spare()
    {
        // Empty the pool first (it holds at most MaxSpares + 1), so that it then holds exactly the sources stopped here.
        var draining = Enumerable.Range(0, AttemptTimer.MaxSpares + 2)
            .Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None))
            .ToList();
        Assert.That(AttemptTimer.SpareCount, Is.Zero);
        var count = AttemptTimer.MaxSpares + 1;
        var first = Enumerable.Range(0, count).Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None)).ToList();
        var tokens = first.Select(t => t.Token).ToHashSet();
        first.ForEach(t => t.Stop());
        Assert.That(AttemptTimer.SpareCount, Is.EqualTo(count));

        var again = Enumerable.Range(0, count).Select(_ => AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None)).ToList();

        Assert.That(AttemptTimer.SpareCount, Is.Zero);
        Assert.That(again.Select(t => t.Token), Is.EquivalentTo(tokens), "every stopped source reused, none made anew");
        again.ForEach(t => t.Stop());
        draining.ForEach(t => t.Stop());
    }

    [Test]
    public void A_negative_timeout_is_canceled_at_once()
    {
        var timer = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(-5), CancellationToken.None);

        Assert.That(timer.Token.IsCancellationRequested, Is.True);
        Assert.That(timer.Stop(), Is.True);
    }

    [Test]
    public void A_zero_timeout_is_canceled_at_once()
    {
        var timer = AttemptTimer.Start(TimeProvider.System, TimeSpan.Zero, CancellationToken.None);

        Assert.That(timer.Token.IsCancellationRequested, Is.True);
        Assert.That(timer.Stop(), Is.True);
    }

    [Test]
    public async Task Timers_started_and_stopped_on_many_threads_fire_only_when_late()
    {
        var stoppedInTime = 0;
        var canceledEarly = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var timer = AttemptTimer.Start(TimeProvider.System, Long, CancellationToken.None);
                if (timer.Stop())
                {
                    Interlocked.Increment(ref canceledEarly);
                }
                else
                {
                    Interlocked.Increment(ref stoppedInTime);
                }
            }
        })));
        var late = AttemptTimer.Start(TimeProvider.System, TimeSpan.FromMilliseconds(5), CancellationToken.None);

        Assert.That(late.Token.WaitHandle.WaitOne(Wait), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(late.Stop(), Is.True);
            Assert.That(canceledEarly, Is.Zero);
            Assert.That(stoppedInTime, Is.EqualTo(8 * 20_000));
            Assert.That(AttemptTimer.SpareCount, Is.LessThanOrEqualTo(AttemptTimer.MaxSpares + 1));
        });
    }
}
