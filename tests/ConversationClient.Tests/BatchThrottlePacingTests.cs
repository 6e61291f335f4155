using ConversationClient.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ConversationClient.Tests;

/// <summary>
/// How the batch throttle climbs back after push-back, and its boundaries: a pause that ends exactly now, a wait equal
/// to the longest pause, push-back that overlaps a pause. Time only moves when a test moves it (FakeTimeProvider).
/// </summary>
public sealed class BatchThrottlePacingTests
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RealWait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static DeleteConversationResult Result(DeleteConversationOutcome outcome) => new() { ConversationId = "c", Outcome = outcome };

    /// <summary>One delete after another, each ending with <paramref name="result"/>; the limit after each.</summary>
    private static async Task<int[]> RunAsync(BatchThrottle throttle, int count, DeleteConversationResult? result)
    {
        var limits = new int[count];
        for (var i = 0; i < count; i++)
        {
            await throttle.EnterAsync(CancellationToken.None).AsTask().WaitAsync(RealWait);
            throttle.Exit(result);
            limits[i] = throttle.Limit;
        }

        return limits;
    }

    [Test]
    public async Task Exit_AfterPushBack_ClimbsOneStepPerRoundOfSuccessesToTheMaximumAndNoFurther()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.Zero);
        Assert.That(throttle.Limit, Is.EqualTo(2));

        var limits = await RunAsync(throttle, 10, Result(DeleteConversationOutcome.Deleted));

        // Two successes at 2 make 3, three at 3 make 4, and 4 is the most.
        Assert.That(limits, Is.EqualTo(new[] { 2, 3, 3, 3, 4, 4, 4, 4, 4, 4 }));
    }

    [Test]
    public async Task Exit_NotFound_CountsAsASuccess()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.Zero);

        var limits = await RunAsync(throttle, 2, Result(DeleteConversationOutcome.NotFound));

        Assert.That(limits, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public async Task Exit_FailedOrNoResult_DoesNotCountTowardsClimbing()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.Zero);

        var failed = await RunAsync(throttle, 5, Result(DeleteConversationOutcome.Failed));
        var none = await RunAsync(throttle, 5, null);

        Assert.That(failed, Is.All.EqualTo(2));
        Assert.That(none, Is.All.EqualTo(2));
    }

    [Test]
    public async Task Throttled_AgainAfterThePause_StartsTheCountTowardsTheNextStepOver()
    {
        var throttle = new BatchThrottle(8, MaxPause, _clock);
        throttle.Throttled(TimeSpan.Zero);
        await RunAsync(throttle, 3, Result(DeleteConversationOutcome.Deleted));
        Assert.That(throttle.Limit, Is.EqualTo(4), "three of four successes: no step yet");

        throttle.Throttled(TimeSpan.Zero);
        Assert.That(throttle.Limit, Is.EqualTo(2));

        var limits = await RunAsync(throttle, 2, Result(DeleteConversationOutcome.Deleted));
        Assert.That(limits, Is.EqualTo(new[] { 2, 3 }), "the three earlier successes do not count at the new limit");
    }

    [Test]
    public async Task Exit_AfterAStep_StartsTheCountOver()
    {
        var throttle = new BatchThrottle(8, MaxPause, _clock);
        throttle.Throttled(TimeSpan.Zero);
        throttle.Throttled(TimeSpan.Zero);
        Assert.That(throttle.Limit, Is.EqualTo(2));

        var limits = await RunAsync(throttle, 5, Result(DeleteConversationOutcome.Deleted));

        Assert.That(limits, Is.EqualTo(new[] { 2, 3, 3, 3, 4 }));
    }

    [Test]
    public void Throttled_ExactlyWhenThePauseEnds_HalvesAgain()
    {
        var throttle = new BatchThrottle(8, MaxPause, _clock);
        throttle.Throttled(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        throttle.Throttled(TimeSpan.FromSeconds(5));
        Assert.That(throttle.Limit, Is.EqualTo(4), "still the same burst");

        _clock.Advance(TimeSpan.FromSeconds(5));
        throttle.Throttled(TimeSpan.FromSeconds(5));

        Assert.That(throttle.Limit, Is.EqualTo(2));
    }

    [Test]
    public async Task EnterAsync_ExactlyWhenThePauseEnds_GoesIn()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.FromSeconds(5));
        var waiting = throttle.EnterAsync(CancellationToken.None).AsTask();

        _clock.Advance(TimeSpan.FromSeconds(5));

        await waiting.WaitAsync(RealWait);
        Assert.That(throttle.EnterAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True, "no pause left, a free slot");
    }

    [Test]
    public async Task Throttled_WaitEqualToTheLongestPause_PausesThatLong()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(MaxPause);
        // Whole milliseconds: Task.Delay cannot wait less than one, so a pause of a tick would be retried at once, forever, on a clock that never moves by itself.
        _clock.Advance(MaxPause - TimeSpan.FromMilliseconds(1));

        var waiting = throttle.EnterAsync(CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.That(waiting.IsCompleted, Is.False);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await waiting.WaitAsync(RealWait);
    }

    [Test]
    public void Throttled_ShorterWaitDuringAPause_DoesNotShortenIt()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.FromSeconds(10));
        throttle.Throttled(TimeSpan.FromSeconds(2));

        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.That(throttle.EnterAsync(CancellationToken.None).AsTask().IsCompleted, Is.False);
    }

    [Test]
    public async Task Throttled_LongerWaitDuringAPause_LengthensIt()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        throttle.Throttled(TimeSpan.FromSeconds(2));
        throttle.Throttled(TimeSpan.FromSeconds(10));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var waiting = throttle.EnterAsync(CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.That(waiting.IsCompleted, Is.False);

        _clock.Advance(TimeSpan.FromSeconds(8));
        await waiting.WaitAsync(RealWait);
        Assert.That(throttle.Limit, Is.EqualTo(2), "one burst, halved once");
    }

    [Test]
    public void EnterAsync_CanceledToken_ThrowsEvenWithAFreeSlot()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);

        Assert.That(async () => await throttle.EnterAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task EnterAsync_CanceledWhileWaiting_Throws(bool paused)
    {
        var throttle = new BatchThrottle(1, MaxPause, _clock);
        if (paused)
        {
            throttle.Throttled(TimeSpan.FromSeconds(5));
        }
        else
        {
            await throttle.EnterAsync(CancellationToken.None);
        }

        using var cancel = new CancellationTokenSource();
        var waiting = throttle.EnterAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        Assert.That(async () => await waiting.WaitAsync(RealWait), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task WhenIdleAsync_WaitsForTheLastSlotToComeBack()
    {
        var throttle = new BatchThrottle(4, MaxPause, _clock);
        await throttle.WhenIdleAsync().WaitAsync(RealWait);
        await throttle.EnterAsync(CancellationToken.None);
        await throttle.EnterAsync(CancellationToken.None);

        var idle = throttle.WhenIdleAsync();
        throttle.Exit(Result(DeleteConversationOutcome.Deleted));
        await Task.Yield();
        Assert.That(idle.IsCompleted, Is.False, "one still in flight");

        throttle.Exit(null);
        await idle.WaitAsync(RealWait);
    }
}
