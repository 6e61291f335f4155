using System.Globalization;
using System.Net;
using ConversationClient.Http;

namespace ConversationClient.Tests;

/// <summary>How the wait a server asks for is read from its headers, edge values included.</summary>
public sealed class ServerDelayTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (bool Found, TimeSpan Delay) Read(params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        var found = ServerDelay.TryGet(response, Now, out var delay);
        return (found, delay);
    }

    [Test]
    public void TryGet_NoHeader_FindsNothing()
    {
        Assert.That(Read(), Is.EqualTo((false, TimeSpan.Zero)));
    }

    [Test]
    public void TryGet_RetryAfterZero_IsAZeroWait()
    {
        Assert.That(Read(("Retry-After", "0")), Is.EqualTo((true, TimeSpan.Zero)));
    }

    [Test]
    public void TryGet_RetryAfterSeconds_IsThatWait()
    {
        Assert.That(Read(("Retry-After", "7")), Is.EqualTo((true, TimeSpan.FromSeconds(7))));
    }

    [Test]
    public void TryGet_RetryAfterDateInThePast_IsAZeroWait()
    {
        var past = Now.AddMinutes(-5).ToString("R", CultureInfo.InvariantCulture);

        Assert.That(Read(("Retry-After", past)), Is.EqualTo((true, TimeSpan.Zero)));
    }

    [Test]
    public void TryGet_RetryAfterDateInTheFuture_IsTheTimeUntilThen()
    {
        var future = Now.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture);

        Assert.That(Read(("Retry-After", future)), Is.EqualTo((true, TimeSpan.FromSeconds(90))));
    }

    [TestCase("retry-after-ms")]
    [TestCase("x-ms-retry-after-ms")]
    public void TryGet_Milliseconds_TakePrecedenceAndKeepFractions(string header)
    {
        Assert.That(Read((header, "1500.5"), ("Retry-After", "20")), Is.EqualTo((true, TimeSpan.FromMilliseconds(1500.5))));
    }

    [Test]
    public void TryGet_RetryAfterMsBeforeXMsRetryAfterMs()
    {
        Assert.That(Read(("x-ms-retry-after-ms", "900"), ("retry-after-ms", "300")), Is.EqualTo((true, TimeSpan.FromMilliseconds(300))));
    }

    // A zero is a valid answer ("retry now") and is taken as it is, before Retry-After.
    [TestCase("retry-after-ms")]
    [TestCase("x-ms-retry-after-ms")]
    public void TryGet_ZeroMilliseconds_IsAZeroWait(string header)
    {
        Assert.That(Read((header, "0"), ("Retry-After", "20")), Is.EqualTo((true, TimeSpan.Zero)));
    }

    [TestCase("soon")]
    [TestCase("-250")]
    [TestCase("")]
    [TestCase("1e300")]
    [TestCase("NaN")]
    public void TryGet_UnusableMilliseconds_AreIgnoredInFavourOfRetryAfter(string value)
    {
        Assert.That(Read(("retry-after-ms", value), ("x-ms-retry-after-ms", value), ("Retry-After", "20")),
            Is.EqualTo((true, TimeSpan.FromSeconds(20))));
    }

    [TestCase("soon")]
    [TestCase("-250")]
    public void TryGet_UnusableMillisecondsAlone_FindNothing(string value)
    {
        Assert.That(Read(("retry-after-ms", value)), Is.EqualTo((false, TimeSpan.Zero)));
    }

    [Test]
    public void TryGet_SeveralMillisecondValues_TakesTheFirstUsableOne()
    {
        Assert.That(Read(("retry-after-ms", "soon"), ("retry-after-ms", "250"), ("retry-after-ms", "900")),
            Is.EqualTo((true, TimeSpan.FromMilliseconds(250))));
    }

    [Test]
    public void TryGet_UnparsableRetryAfter_FindsNothing()
    {
        Assert.That(Read(("Retry-After", "later, please")), Is.EqualTo((false, TimeSpan.Zero)));
    }
}
