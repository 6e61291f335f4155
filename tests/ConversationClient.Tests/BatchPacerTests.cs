using ConversationClient.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ConversationClient.Tests;

/// <summary>
/// The pacing rules of a batch on a clock that moves only when a test moves it (FakeTimeProvider): no pace before the
/// first refusal, a slow-down per push-back (not per refused attempt), the rate learned from two refusals, the climb
/// while answers get through, the pauses the service asks for, and giving up when it lets nothing through.
/// </summary>
public sealed class BatchPacerTests
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RealWait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private BatchPacer NewPacer() => new(MaxPause, GiveUpAfter, _clock);

    /// <summary>Starts an attempt that must start at once, and answers its start time.</summary>
    private static double StartNow(BatchPacer pacer)
    {
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();
        Assert.That(start.IsCompletedSuccessfully, Is.True, "the attempt should start at once");
        return start.Result!.Value;
    }

    private void Advance(double seconds) => _clock.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>A pacer that let 39 attempts through in 0.1 s and has had no refusal yet: the 40th is the one refused next.</summary>
    private BatchPacer PacerThatLet39Through()
    {
        var pacer = NewPacer();
        Advance(0.1);
        for (var i = 0; i < 39; i++)
        {
            pacer.Passed(StartNow(pacer));
        }

        return pacer;
    }

    /// <summary>A pacer whose first refusal came after 40 attempts in 0.1 s: its pace is then 200 a second.</summary>
    private BatchPacer PacerAt200PerSecond()
    {
        var pacer = PacerThatLet39Through();
        pacer.Refused(StartNow(pacer), null);
        return pacer;
    }

    [Test]
    public void WaitToStartAsync_BeforeAnyRefusal_StartsEveryAttemptAtOnce()
    {
        var pacer = NewPacer();

        for (var i = 0; i < 100; i++)
        {
            pacer.Passed(StartNow(pacer));
        }

        Assert.That(pacer.Rate, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void Refused_TheFirst_PacesAtHalfOfHowFastTheBatchWent()
    {
        var pacer = PacerAt200PerSecond();

        Assert.That(pacer.Rate, Is.EqualTo(200).Within(1e-9));
        Assert.That(pacer.IsLearned, Is.False);
    }

    [Test]
    public void Refused_TheFirstWithALongWait_GuessesThatWhatGotThroughComesBackInThatWait()
    {
        var pacer = PacerThatLet39Through();

        pacer.Refused(StartNow(pacer), TimeSpan.FromSeconds(1));

        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 39).Within(1e-9), "39 a second rather than half of 400");
        Assert.That(pacer.IsLearned, Is.False);
    }

    [Test]
    public void Refused_TheFirstWithALongWait_SpendsWhatGotThroughAtOnceWhenTheWaitIsOver()
    {
        var pacer = PacerThatLet39Through();

        pacer.Refused(StartNow(pacer), TimeSpan.FromSeconds(2));
        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 39 / 2).Within(1e-9), "39 over the two seconds asked for");

        // The pause, and time for the client's bucket to fill at the guessed pace (19 a second).
        Advance(3);

        for (var i = 0; i < 39; i++)
        {
            StartNow(pacer);
        }

        Assert.That(pacer.WaitToStartAsync(CancellationToken.None).AsTask().IsCompleted, Is.False, "the burst is used up");
    }

    [Test]
    public void Refused_TheFirstWithAWaitOfExactlyHalfASecond_GuessesToo()
    {
        var pacer = PacerThatLet39Through();

        pacer.Refused(StartNow(pacer), BatchPacer.MinWindow);

        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 39 / 0.5).Within(1e-9));
    }

    [Test]
    public void Refused_TheFirstWithALongWaitWhenNothingGotThrough_HalvesInsteadOfGuessingNothing()
    {
        var pacer = NewPacer();
        Advance(0.1);
        var early = Enumerable.Range(0, 40).Select(_ => StartNow(pacer)).ToArray();

        pacer.Refused(early[0], TimeSpan.FromSeconds(1));

        Assert.That(pacer.Rate, Is.EqualTo(200).Within(1e-9));
    }

    [Test]
    public void Passed_AfterAFirstRefusalThatCameBeforeAnyAnswer_Climbs()
    {
        var pacer = NewPacer();
        Advance(0.1);
        pacer.Refused(StartNow(pacer), null);
        var rate = pacer.Rate;

        pacer.Passed(pacer.Now());

        Assert.That(pacer.Rate, Is.EqualTo(rate + BatchPacer.SearchStep).Within(1e-9));
    }

    [Test]
    public async Task WaitToStartAsync_AfterARefusal_StartsAttemptsOnePaceApart()
    {
        var pacer = PacerAt200PerSecond();
        var origin = pacer.Now();

        var starts = Enumerable.Range(0, 3).Select(_ => pacer.WaitToStartAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.That(starts.Select(s => s.IsCompleted), Is.All.False, "the service's bucket is empty: the first start waits one pace");

        for (var i = 1; i <= 3; i++)
        {
            Advance(0.005);
            var started = await starts[i - 1].WaitAsync(RealWait);
            Assert.That(started!.Value - origin, Is.EqualTo(0.005 * i).Within(1e-6));
            Assert.That(starts.Skip(i).Select(s => s.IsCompleted), Is.All.False, "each later one waits its own turn");
        }
    }

    [TestCase(0.003, TestName = "Refused_WithAWaitInMilliseconds_NoAttemptStartsBeforeItIsOver")]
    [TestCase(1.0, TestName = "Refused_WithAWaitInSeconds_NoAttemptStartsBeforeItIsOver")]
    public async Task Refused_WithAWait_NoAttemptStartsBeforeItIsOverNorBeforeThePace(double wait)
    {
        var pacer = PacerThatLet39Through();

        pacer.Refused(StartNow(pacer), TimeSpan.FromSeconds(wait));
        var origin = pacer.Now();
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();

        // The later of the wait and the pace (200 a second: 5 ms).
        var due = Math.Max(wait, 0.005);
        Advance(due - 0.001);
        await Task.Yield();
        Assert.That(start.IsCompleted, Is.False);

        Advance(0.001);
        Assert.That((await start.WaitAsync(RealWait))!.Value - origin, Is.EqualTo(due).Within(1e-6));
    }

    [Test]
    public async Task Refused_WaitLongerThanTheLongestPause_PausesOnlyThatLong()
    {
        var pacer = NewPacer();
        pacer.Refused(StartNow(pacer), TimeSpan.FromDays(1));
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();

        _clock.Advance(MaxPause - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        Assert.That(start.IsCompleted, Is.False);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await start.WaitAsync(RealWait);
    }

    [Test]
    public void Refused_AttemptThatStartedBeforeTheSlowDown_IsTheSamePushBack()
    {
        var pacer = NewPacer();
        Advance(0.1);
        var early = Enumerable.Range(0, 40).Select(_ => StartNow(pacer)).ToArray();
        pacer.Refused(early[0], null);
        var rate = pacer.Rate;

        Advance(0.01);
        foreach (var startedAt in early.Skip(1))
        {
            pacer.Refused(startedAt, null);
        }

        Assert.That(pacer.Rate, Is.EqualTo(rate), "four in flight meeting the same empty bucket slow the batch once");
    }

    [Test]
    public void Refused_AttemptThatStartedBeforeTheSlowDown_StillLengthensThePause()
    {
        var pacer = NewPacer();
        var early = StartNow(pacer);
        var late = StartNow(pacer);
        pacer.Refused(late, TimeSpan.FromSeconds(1));

        pacer.Refused(early, TimeSpan.FromSeconds(3));
        Advance(2);

        Assert.That(pacer.WaitToStartAsync(CancellationToken.None).AsTask().IsCompleted, Is.False);
    }

    [Test]
    public async Task Refused_AgainSoonAfterTheSlowDown_HalvesThePace()
    {
        var pacer = PacerAt200PerSecond();
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();
        Advance(0.005);
        var startedAt = (await start.WaitAsync(RealWait))!.Value;

        pacer.Refused(startedAt, null);

        Assert.That(pacer.Rate, Is.EqualTo(100).Within(1e-9));
    }

    [Test]
    public void Refused_TwiceHalfASecondApart_LearnsTheRateFromWhatGotThroughBetween()
    {
        var pacer = PacerAt200PerSecond();

        // 250 attempts got through in the second after the first refusal, then the bucket was empty again.
        for (var i = 0; i < 250; i++)
        {
            Advance(0.004);
            pacer.Passed(pacer.Now());
        }

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.IsLearned, Is.True);
        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 250).Within(1e-9));
    }

    [Test]
    public void Refused_TwiceExactlyHalfASecondApart_LearnsTheRatePerSecond()
    {
        var pacer = PacerAt200PerSecond();
        for (var i = 0; i < 125; i++)
        {
            Advance(0.004);
            pacer.Passed(pacer.Now());
        }

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.IsLearned, Is.True);
        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 250).Within(1e-9), "125 in half a second is 250 a second");
    }

    [Test]
    public async Task Refused_AgainWhileAttemptsWaitForTheirTurn_CountsTheTimeThatPassedAtTheOldPace()
    {
        var pacer = PacerAt200PerSecond();
        var waiting = Enumerable.Range(0, 3).Select(_ => pacer.WaitToStartAsync(CancellationToken.None).AsTask()).ToArray();
        Advance(0.01);
        var started = await waiting[1].WaitAsync(RealWait);

        // Two of three reserved turns have come (one debt left); the new pace is 100 a second.
        pacer.Refused(started!.Value, null);
        var origin = pacer.Now();
        var next = pacer.WaitToStartAsync(CancellationToken.None).AsTask();

        Advance(0.02 - 0.001);
        await Task.Yield();
        Assert.That(next.IsCompleted, Is.False);
        Advance(0.001);
        Assert.That((await next.WaitAsync(RealWait))!.Value - origin, Is.EqualTo(0.02).Within(1e-6), "the debt of one and this one, at 100 a second");
    }

    [Test]
    public void Refused_EmptiesTheClientsBucket()
    {
        var pacer = LearnedAt(250);
        Advance(10);

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.WaitToStartAsync(CancellationToken.None).AsTask().IsCompleted, Is.False,
            "the service's bucket is empty: what the client's held is gone too");
    }

    [Test]
    public void Refused_TwiceLessThanHalfASecondApart_DoesNotLearn()
    {
        var pacer = PacerAt200PerSecond();
        for (var i = 0; i < 10; i++)
        {
            Advance(0.004);
            pacer.Passed(pacer.Now());
        }

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.IsLearned, Is.False);
        Assert.That(pacer.Rate, Is.EqualTo((200 + (10 * BatchPacer.SearchStep)) * BatchPacer.SlowDown).Within(1e-9));
    }

    [Test]
    public void Refused_AfterLearningSoonAgain_SlowsDownALittle()
    {
        var pacer = LearnedAt(250);
        Advance(0.1);

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 250 * BatchPacer.TrackSlowDown).Within(1e-9));
    }

    [Test]
    public void Refused_AfterLearningAnotherWindowLater_LearnsAgain()
    {
        var pacer = LearnedAt(250);
        for (var i = 0; i < 200; i++)
        {
            Advance(0.005);
            pacer.Passed(pacer.Now());
        }

        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.Margin * 200).Within(1e-9));
    }

    [Test]
    public void Passed_ClimbsFastBeforeTheRateIsLearnedAndSlowlyAfter()
    {
        var searching = PacerAt200PerSecond();
        var learned = LearnedAt(250);
        var learnedRate = learned.Rate;

        for (var i = 0; i < 10; i++)
        {
            searching.Passed(searching.Now());
            learned.Passed(learned.Now());
        }

        Assert.That(searching.Rate, Is.EqualTo(200 + (10 * BatchPacer.SearchStep)).Within(1e-9));
        Assert.That(learned.Rate, Is.EqualTo(learnedRate + (10 * BatchPacer.TrackStep)).Within(1e-9));
    }

    [TestCase(null, BatchPacer.TrackStep, TestName = "Passed_AfterLearningWithoutAWait_ClimbsAtTheTrackingPace")]
    [TestCase(0.003, BatchPacer.TrackStep, TestName = "Passed_AfterLearningUnderWaitsInMilliseconds_ClimbsAtTheTrackingPace")]
    [TestCase(0.5, BatchPacer.LongWaitTrackStep, TestName = "Passed_AfterLearningUnderAWaitOfHalfASecond_ClimbsMoreSlowly")]
    [TestCase(1.0, BatchPacer.LongWaitTrackStep, TestName = "Passed_AfterLearningUnderWaitsInWholeSeconds_ClimbsMoreSlowly")]
    public void Passed_AfterLearning_ClimbsMoreSlowlyWhenTheServiceAskedForALongWait(double? waitSeconds, double step)
    {
        var pacer = LearnedAt(250, waitSeconds is { } w ? TimeSpan.FromSeconds(w) : null);
        var learnedRate = pacer.Rate;

        for (var i = 0; i < 10; i++)
        {
            pacer.Passed(pacer.Now());
        }

        Assert.That(pacer.Rate, Is.EqualTo(learnedRate + (10 * step)).Within(1e-9));
    }

    [Test]
    public void Passed_AfterALongWaitThenARefusalWithAShortOne_ClimbsAtTheTrackingPaceAgain()
    {
        var pacer = LearnedAt(250, TimeSpan.FromSeconds(1));
        Advance(0.1);
        pacer.Refused(pacer.Now(), TimeSpan.FromMilliseconds(3));
        var rate = pacer.Rate;

        pacer.Passed(pacer.Now());

        Assert.That(pacer.Rate, Is.EqualTo(rate + BatchPacer.TrackStep).Within(1e-9), "the service's last word is a short wait: probes are cheap again");
    }

    [Test]
    public void Passed_AttemptsThatStartedBeforeTheFirstRefusal_DoNotCountTowardsTheRate()
    {
        var pacer = NewPacer();
        Advance(0.1);
        var early = Enumerable.Range(0, 40).Select(_ => StartNow(pacer)).ToArray();
        pacer.Refused(early[^1], null);

        // Answers of attempts sent before the bucket was found empty: they say nothing about its refill.
        foreach (var startedAt in early[..^1])
        {
            pacer.Passed(startedAt);
        }

        Advance(1);
        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.IsLearned, Is.True);
        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.MinRate), "nothing got through after the first refusal");
    }

    [Test]
    public void AfterAQuietSpell_ABurstOfWhatTheServiceFirstLetThroughGoesAtOnce()
    {
        // 39 got through before the first refusal, and the rate is learned at 250 a second: the burst is 39.
        var pacer = LearnedAt(250);
        Advance(10);

        for (var i = 0; i < 39; i++)
        {
            pacer.Passed(StartNow(pacer));
        }

        Assert.That(pacer.WaitToStartAsync(CancellationToken.None).AsTask().IsCompleted, Is.False, "the burst is used up");
    }

    [Test]
    public void Refused_ManyTimes_NeverPacesSlowerThanTheSlowestRate()
    {
        var pacer = NewPacer();
        for (var i = 0; i < 30; i++)
        {
            Advance(0.01);
            pacer.Refused(pacer.Now(), null);
        }

        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.MinRate));
    }

    [Test]
    public async Task Refused_ForTheGiveUpTime_GivesUp()
    {
        var pacer = NewPacer();
        pacer.Refused(StartNow(pacer), null);
        _clock.Advance(GiveUpAfter - TimeSpan.FromSeconds(1));
        pacer.Refused(pacer.Now(), null);
        Assert.That(pacer.HasGivenUp, Is.False);

        var waiting = pacer.WaitToStartAsync(CancellationToken.None).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.That(pacer.HasGivenUp, Is.True);
        Assert.That(pacer.RefusingFor, Is.EqualTo(GiveUpAfter));
        Assert.That(await waiting.WaitAsync(RealWait), Is.Null, "an attempt waiting for its start is not sent");
        Assert.That(await pacer.WaitToStartAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public void Passed_EndsTheRefusingSpell()
    {
        var pacer = NewPacer();
        pacer.Refused(StartNow(pacer), null);
        _clock.Advance(GiveUpAfter - TimeSpan.FromSeconds(1));
        pacer.Passed(pacer.Now());
        Assert.That(pacer.RefusingFor, Is.EqualTo(TimeSpan.Zero));

        _clock.Advance(TimeSpan.FromSeconds(2));
        pacer.Refused(pacer.Now(), null);

        Assert.That(pacer.HasGivenUp, Is.False);
        Assert.That(pacer.RefusingFor, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Pause_PausesEveryStartWithoutSlowingDown()
    {
        var pacer = NewPacer();

        pacer.Pause(TimeSpan.FromSeconds(2));
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();
        Advance(1.999);
        await Task.Yield();
        Assert.That(start.IsCompleted, Is.False);
        Advance(0.001);
        await start.WaitAsync(RealWait);

        Assert.That(pacer.Rate, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void WaitToStartAsync_CanceledWithNothingToWaitFor_Throws()
    {
        var pacer = NewPacer();

        Assert.That(async () => await pacer.WaitToStartAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void WaitToStartAsync_Canceled_Throws()
    {
        var pacer = NewPacer();
        pacer.Pause(TimeSpan.FromSeconds(2));
        using var cancel = new CancellationTokenSource();
        var start = pacer.WaitToStartAsync(cancel.Token).AsTask();

        cancel.Cancel();

        Assert.That(async () => await start.WaitAsync(RealWait), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>
    /// A pacer that has learned that the service lets <paramref name="perSecond"/> through a second (after 39 before its
    /// first refusal), from a refusal that asked for <paramref name="wait"/>.
    /// </summary>
    private BatchPacer LearnedAt(int perSecond, TimeSpan? wait = null)
    {
        var pacer = PacerAt200PerSecond();
        for (var i = 0; i < perSecond; i++)
        {
            Advance(1.0 / perSecond);
            pacer.Passed(pacer.Now());
        }

        pacer.Refused(pacer.Now(), wait);
        Assert.That(pacer.IsLearned, Is.True);
        return pacer;
    }

    [Test]
    public void WaitToStartAsync_APauseOfAMicrosecond_StartsAtOnce()
    {
        // Times are doubles: within a microsecond is now, not a wait of a millisecond (timers count whole ones).
        var pacer = NewPacer();

        pacer.Pause(TimeSpan.FromTicks(10));

        Assert.That(pacer.WaitToStartAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Passed_TheTimeBeforeTheClimbCountsAtTheOldPace()
    {
        var pacer = NewPacer();
        var first = StartNow(pacer);
        Advance(1);
        pacer.Refused(first, null); // one start in a second: half of it, at least the slowest pace (1 a second)
        Assert.That(pacer.Rate, Is.EqualTo(BatchPacer.MinRate));
        Advance(0.5);

        pacer.Passed(pacer.Now());

        // Half a token came at 1 a second; the next start waits for the other half at 1.7 a second (0.294 s), not for
        // what is left when the whole half second is counted at the new pace (0.15 of a token: 0.088 s).
        var start = pacer.WaitToStartAsync(CancellationToken.None).AsTask();
        Advance(0.2);
        await Task.Yield();
        Assert.That(start.IsCompleted, Is.False);
        Advance(0.1);
        await start.WaitAsync(RealWait);
    }
}
