using ConversationClient.Internal;

namespace ConversationClient.Tests;

/// <summary>The slots of a batch: at most the maximum at once, a wait for a free one, and a wait until none is taken.</summary>
public sealed class BatchThrottleTests
{
    private static readonly TimeSpan RealWait = TimeSpan.FromSeconds(5);

    [Test]
    public async Task EnterAsync_AtTheLimit_WaitsForAnExit()
    {
        var throttle = new BatchThrottle(2);
        await throttle.EnterAsync(CancellationToken.None);
        await throttle.EnterAsync(CancellationToken.None);

        var third = throttle.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(10);
        Assert.That(third.IsCompleted, Is.False);

        throttle.Exit();
        await third.WaitAsync(RealWait);
        Assert.That(third.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void EnterAsync_CanceledToken_ThrowsEvenWithAFreeSlot()
    {
        var throttle = new BatchThrottle(4);

        Assert.That(async () => await throttle.EnterAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task EnterAsync_CanceledWhileWaiting_Throws()
    {
        var throttle = new BatchThrottle(1);
        await throttle.EnterAsync(CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var waiting = throttle.EnterAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        Assert.That(async () => await waiting.WaitAsync(RealWait), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task WhenIdleAsync_WaitsForTheLastSlotToComeBack()
    {
        var throttle = new BatchThrottle(4);
        await throttle.WhenIdleAsync().WaitAsync(RealWait);
        await throttle.EnterAsync(CancellationToken.None);
        await throttle.EnterAsync(CancellationToken.None);

        var idle = throttle.WhenIdleAsync();
        throttle.Exit();
        await Task.Yield();
        Assert.That(idle.IsCompleted, Is.False, "one still in flight");

        throttle.Exit();
        await idle.WaitAsync(RealWait);
    }
}
