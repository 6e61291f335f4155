using ConversationClient.Internal;

namespace ConversationClient.Tests;

public sealed class IdFingerprintsTests
{
    [Test]
    public void Add_DistinctIds_AreEachNewOnceAndRepeatsAreNot()
    {
        var seen = new IdFingerprints();

        var firstTime = Enumerable.Range(0, 200_000).Count(i => seen.Add($"conv_{i}"));
        var again = Enumerable.Range(0, 200_000).Count(i => seen.Add($"conv_{i}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstTime, Is.EqualTo(200_000));
            Assert.That(again, Is.Zero);
            Assert.That(seen.Count, Is.EqualTo(200_000));
        }
    }

    [Test]
    public void Add_IdsDifferingOnlyInUnpairedSurrogates_AreDifferent()
    {
        var seen = new IdFingerprints();

        Assert.That(new[] { "x\uD800", "x\uDC00", "x\uFFFD" }.Select(seen.Add), Is.All.True);
    }

    [Test]
    public void Add_FingerprintsSharingTheirProbeStart_AreKeptApart()
    {
        // Same high part (the probe start) and segment, different low parts: a collision of the slot, not of the id.
        var seen = new IdFingerprints();

        var added = Enumerable.Range(1, 100).Count(low => seen.Add(42UL, (uint)low, 7));

        Assert.That(added, Is.EqualTo(100));
        Assert.That(Enumerable.Range(1, 100).Count(low => seen.Add(42UL, (uint)low, 7)), Is.Zero);
        Assert.That(seen.Add(42UL, 1, 8), Is.True, "another segment is another table");
    }

    [Test]
    public void Add_TheAllZeroFingerprint_IsNotTakenForAnEmptySlot()
    {
        var seen = new IdFingerprints();

        Assert.That(seen.Add(0, 0, 0), Is.True);
        Assert.That(seen.Add(0, 0, 0), Is.False);
    }

    [Test]
    public void AllocatedBytes_AMillionIds_StayUnderTwentyBytesEach()
    {
        var seen = new IdFingerprints();
        for (var i = 0; i < 1_000_000; i++)
        {
            seen.Add($"00000000-0000-4000-8000-{i:D12}");
        }

        Assert.That(seen.Count, Is.EqualTo(1_000_000));
        Assert.That(seen.AllocatedBytes, Is.LessThan(20_000_000), "a HashSet<UInt128> took 32 bytes an entry, more while resizing");
    }
}
