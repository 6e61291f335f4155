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

        var added = Enumerable.Range(1, 100).Count(low => seen.Add(42UL, (ushort)low, 7));

        Assert.That(added, Is.EqualTo(100));
        Assert.That(Enumerable.Range(1, 100).Count(low => seen.Add(42UL, (ushort)low, 7)), Is.Zero);
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
    public void Contains_TheAllZeroFingerprint_IsFoundOnceAdded()
    {
        var seen = new IdFingerprints();

        Assert.That(seen.Contains(0, 0, 0), Is.False);
        seen.Add(0, 0, 0);
        Assert.That(seen.Contains(0, 0, 0), Is.True);
    }

    [Test]
    public void Add_FingerprintsWithOnePartZero_AreNotMovedOntoOthers()
    {
        // Only the all-zero fingerprint is moved (to low part 1); one with a zero high or a zero low part is itself.
        var seen = new IdFingerprints();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { seen.Add(0, 5, 3), seen.Add(0, 1, 3), seen.Add(5, 0, 3), seen.Add(5, 1, 3) }, Is.All.True);
            Assert.That(seen.Contains(0, 5, 3) && seen.Contains(5, 0, 3), Is.True);
            Assert.That(seen.Count, Is.EqualTo(4));
        }
    }

    [Test]
    public void Add_AFingerprintWithAHighPartOfZero_IsKeptWhenItsTableGrows()
    {
        var seen = new IdFingerprints();
        seen.Add(0, 5, 0);

        // Enough for the table of 16 slots to grow (at 90%), more than once.
        for (var high = 1UL; high <= 40; high++)
        {
            seen.Add(high * 0x0100_0000_0000_0000UL, 1, 0);
        }

        Assert.That(seen.Add(0, 5, 0), Is.False);
        Assert.That(seen.Contains(0, 5, 0), Is.True);
    }

    [Test]
    public void AllocatedBytes_TenBytesForEachSlotOfEachTableInUse()
    {
        var seen = new IdFingerprints();
        Assert.That(seen.AllocatedBytes, Is.Zero);

        seen.Add(1, 1, 0);
        Assert.That(seen.AllocatedBytes, Is.EqualTo(16 * 10), "one table of 16 slots: 8 bytes of high part and 2 of low part each");

        seen.Add(1, 1, 4095);
        Assert.That(seen.AllocatedBytes, Is.EqualTo(2 * 16 * 10));
    }

    [Test]
    public void AllocatedBytes_ATableFillsToNinetyPercentThenGrowsBySixteenOrAFifth()
    {
        // 16 slots hold 14, then 32 (+16) hold 28, 48 hold 43, 64 hold 57, 80 hold 72; the 73rd grows it by a fifth of
        // 80 (16) to 96. Slots are 10 bytes.
        var seen = new IdFingerprints();
        var sizes = new List<long>();
        for (var i = 1; i <= 73; i++)
        {
            seen.Add((ulong)i * 0x0100_0000_0000_0000UL, 1, 0);
            sizes.Add(seen.AllocatedBytes / 10);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizes[13], Is.EqualTo(16));
            Assert.That(sizes[14], Is.EqualTo(32));
            Assert.That(sizes[28], Is.EqualTo(48));
            Assert.That(sizes[71], Is.EqualTo(80), "72 in 80 slots: 90% full, not grown yet");
            Assert.That(sizes[72], Is.EqualTo(96));
        }
    }

    [Test]
    public void AllocatedBytes_AMillionIds_StayUnderFourteenBytesEach()
    {
        var seen = new IdFingerprints();
        for (var i = 0; i < 1_000_000; i++)
        {
            seen.Add($"00000000-0000-4000-8000-{i:D12}");
        }

        Assert.That(seen.Count, Is.EqualTo(1_000_000));
        Assert.That(seen.AllocatedBytes, Is.LessThan(14_000_000), "a HashSet<UInt128> took 32 bytes an entry, more while resizing");
    }
}
