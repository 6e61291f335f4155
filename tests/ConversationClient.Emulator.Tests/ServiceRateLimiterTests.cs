using ConversationClient.Testing;
using ConversationClient.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>The shared services' token bucket on a fake clock: burst, refill, the wait until the next token.</summary>
public sealed class ServiceRateLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private ServiceRateLimiter Limiter(double perSecond, int burst)
    {
        var limiter = new ServiceRateLimiter(_clock);
        limiter.Configure(new ServiceRateLimitOptions { DeletesPerSecond = perSecond, Burst = burst });
        return limiter;
    }

    private static int TakeAll(ServiceRateLimiter limiter)
    {
        var taken = 0;
        while (limiter.TryAcquireDelete() is null)
        {
            taken++;
        }

        return taken;
    }

    [Test]
    public void Burst_ThatManyGoAtOnce_ThenTheNextWaitsForOneToken()
    {
        var limiter = Limiter(250, 250);

        var taken = TakeAll(limiter);
        var refusal = limiter.TryAcquireDelete();

        Assert.That(taken, Is.EqualTo(250));
        Assert.That(refusal?.Wait, Is.EqualTo(TimeSpan.FromMilliseconds(4)));
    }

    [Test]
    public void Refill_OneTokenEveryInterval_AndTheWaitIsWhatIsMissing()
    {
        var limiter = Limiter(250, 250);
        TakeAll(limiter);

        _clock.Advance(TimeSpan.FromMilliseconds(4));
        var afterOneInterval = TakeAll(limiter);
        _clock.Advance(TimeSpan.FromMilliseconds(3));
        var afterThreeQuarters = limiter.TryAcquireDelete();

        Assert.That(afterOneInterval, Is.EqualTo(1));
        Assert.That(afterThreeQuarters?.Wait, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public void Refill_OverOneSecondInMillisecondSteps_AllowsExactlyTheRate()
    {
        var limiter = Limiter(250, 1);
        TakeAll(limiter);

        var taken = 0;
        for (var ms = 0; ms < 1000; ms++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            taken += TakeAll(limiter);
        }

        Assert.That(taken, Is.EqualTo(250));
    }

    [Test]
    public void Refill_AfterAQuietSpell_StopsAtTheBurst()
    {
        var limiter = Limiter(10, 3);
        TakeAll(limiter);

        _clock.Advance(TimeSpan.FromSeconds(60));

        Assert.That(TakeAll(limiter), Is.EqualTo(3));
    }

    [Test]
    public void Wait_ForARateBelowOne_IsTheWholeInterval()
    {
        var limiter = Limiter(0.5, 1);
        TakeAll(limiter);

        _clock.Advance(TimeSpan.FromMilliseconds(500));

        Assert.That(limiter.TryAcquireDelete()?.Wait, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
    }

    [Test]
    public void Wait_ThatIsNotWholeTicks_IsRoundedUpSoTheTokenIsThereAfterIt()
    {
        var limiter = Limiter(3, 1);
        TakeAll(limiter);

        var wait = limiter.TryAcquireDelete()!.Value.Wait;
        _clock.Advance(wait);

        Assert.That(wait, Is.EqualTo(TimeSpan.FromTicks(3_333_334)));
        Assert.That(limiter.TryAcquireDelete(), Is.Null);
    }

    [Test]
    public void Refusal_CarriesTheConfiguredHeaderForm()
    {
        var limiter = new ServiceRateLimiter(_clock);
        limiter.Configure(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 1, WaitHeader = RateLimitWaitHeader.Date });
        TakeAll(limiter);

        Assert.That(limiter.TryAcquireDelete()?.WaitHeader, Is.EqualTo(RateLimitWaitHeader.Date));
    }

    [Test]
    public void NoLimit_LetsEverythingThrough_AndConfiguringARateOfZeroRemovesOne()
    {
        var limiter = new ServiceRateLimiter(_clock);
        var unlimited = Enumerable.Range(0, 10_000).All(_ => limiter.TryAcquireDelete() is null);
        limiter.Configure(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 1 });
        TakeAll(limiter);
        limiter.Configure(new ServiceRateLimitOptions());

        Assert.That(unlimited, Is.True);
        Assert.That(limiter.TryAcquireDelete(), Is.Null);
        Assert.That(limiter.Options.IsActive, Is.False);
    }

    [Test]
    public void Configure_StartsTheNewBucketFull()
    {
        var limiter = Limiter(1, 1);
        TakeAll(limiter);

        limiter.Configure(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 5 });

        Assert.That(TakeAll(limiter), Is.EqualTo(5));
    }

    [TestCase(250, 250)]
    [TestCase(0.4, 1)]
    [TestCase(2.5, 3)]
    public void DefaultBurst_IsOneSecondsWorth_AtLeastOne(double perSecond, int burst) =>
        Assert.That(new ServiceRateLimitOptions { DeletesPerSecond = perSecond }.EffectiveBurst, Is.EqualTo(burst));

    [Test]
    public void Reads_HaveABucketOfTheirOwn_ThatDeletesDoNotSpend()
    {
        var limiter = new ServiceRateLimiter(_clock);
        limiter.Configure(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 1, ReadsPerSecond = 250, ReadBurst = 2 });

        var deletes = TakeAll(limiter);
        var readsAllowed = new[] { limiter.TryAcquireRead(), limiter.TryAcquireRead() };
        var refusedRead = limiter.TryAcquireRead();
        _clock.Advance(TimeSpan.FromMilliseconds(4));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deletes, Is.EqualTo(1));
            Assert.That(readsAllowed, Is.All.Null, "the spent delete bucket does not refuse reads");
            Assert.That(refusedRead?.Wait, Is.EqualTo(TimeSpan.FromMilliseconds(4)));
            Assert.That(limiter.TryAcquireRead(), Is.Null, "4 ms later one more read may go");
            Assert.That(limiter.TryAcquireDelete()?.Wait, Is.EqualTo(TimeSpan.FromMilliseconds(996)), "reads do not refill the delete bucket");
        }
    }

    [Test]
    public void NoReadLimit_ReadsAlwaysGo_WhileDeletesAreLimited()
    {
        var limiter = Limiter(1, 1);

        var unlimited = Enumerable.Range(0, 10_000).All(_ => limiter.TryAcquireRead() is null);

        Assert.That(unlimited, Is.True);
        Assert.That(TakeAll(limiter), Is.EqualTo(1));
    }
}
