using ConversationClient.Internal;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class BatchThrottleTests
{
    private static DeleteConversationResult Deleted => new() { ConversationId = "c", Outcome = DeleteConversationOutcome.Deleted };

    [Test]
    public async Task Throttled_HalvesTheLimitPausesThenClimbsBack()
    {
        var clock = new TestClock();
        var throttle = new BatchThrottle(8, TimeSpan.FromSeconds(30), clock);

        throttle.Throttled(TimeSpan.FromSeconds(5));
        var enter = throttle.EnterAsync(CancellationToken.None).AsTask();

        Assert.That(throttle.Limit, Is.EqualTo(4));
        Assert.That(enter.IsCompleted, Is.False, "paused");
        clock.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(10);
        Assert.That(enter.IsCompleted, Is.False, "still paused");
        clock.Advance(TimeSpan.FromSeconds(1));
        await enter.WaitAsync(TimeSpan.FromSeconds(5));

        throttle.Exit(Deleted);
        for (var i = 0; i < 4; i++)
        {
            await throttle.EnterAsync(CancellationToken.None);
            throttle.Exit(Deleted);
        }

        Assert.That(throttle.Limit, Is.EqualTo(5), "one step up after a round of successes at the limit");
    }

    [Test]
    public void Throttled_BurstWithinOnePause_HalvesOnce()
    {
        var throttle = new BatchThrottle(8, TimeSpan.FromSeconds(30), new TestClock());

        throttle.Throttled(TimeSpan.FromSeconds(2));
        throttle.Throttled(TimeSpan.FromSeconds(2));
        throttle.Throttled(TimeSpan.FromSeconds(1));

        Assert.That(throttle.Limit, Is.EqualTo(4));
    }

    [Test]
    public async Task Throttled_ServerWaitLongerThanMaxDelay_PausesOnlyMaxDelay()
    {
        var clock = new TestClock();
        var throttle = new BatchThrottle(4, TimeSpan.FromSeconds(30), clock);

        throttle.Throttled(TimeSpan.FromDays(3650));
        var enter = throttle.EnterAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(10);
        Assert.That(enter.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));

        await enter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(enter.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void Throttled_RepeatedlyNeverGoesBelowOne()
    {
        var throttle = new BatchThrottle(4, TimeSpan.FromSeconds(30), new TestClock());

        for (var i = 0; i < 10; i++)
        {
            throttle.Throttled(TimeSpan.Zero);
        }

        Assert.That(throttle.Limit, Is.EqualTo(1));
    }

    [Test]
    public async Task EnterAsync_AtTheLimit_WaitsForAnExit()
    {
        var throttle = new BatchThrottle(2, TimeSpan.FromSeconds(30), new TestClock());
        await throttle.EnterAsync(CancellationToken.None);
        await throttle.EnterAsync(CancellationToken.None);

        var third = throttle.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(10);
        Assert.That(third.IsCompleted, Is.False);

        throttle.Exit(Deleted);
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(third.IsCompletedSuccessfully, Is.True);
    }
}
