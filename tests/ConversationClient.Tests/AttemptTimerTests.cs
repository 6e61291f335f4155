using ConversationClient.Http;

namespace ConversationClient.Tests;

/// <summary>The attempt timer on the system clock: token sources reused across threads, never after they fired, and at most <see cref="AttemptTimer.MaxSpares"/> kept.</summary>
[NonParallelizable]
public sealed class AttemptTimerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

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
}
