using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ConversationClient.Internal;

/// <summary>
/// Remembers which ids a batch has seen by a 90-bit fingerprint (not the ids), so a repeated id is spotted in about
/// 12 bytes per distinct id: a million ids in one batch hold some 12 MB. A false match (a new id taken for a repeat,
/// and so not deleted) needs two of the ids to share 90 bits of SHA-256: for a million ids about one chance in 10^15,
/// for a hundred million one in 10^11.
/// </summary>
/// <remarks>
/// A <see cref="HashSet{T}"/> of 128-bit fingerprints took 32 bytes an entry (with its hash code, link and alignment),
/// and twice that while it resized one large array: 149 MB of peak working set for a million ids in one call. Here 12
/// bits of the fingerprint pick one of 4,096 small open-addressing tables (linear probing, kept 75-90% full), which
/// holds the other 78 bits in two flat arrays: no per-entry overhead, and a resize copies one small table.
/// </remarks>
internal sealed class IdFingerprints
{
    private const int SegmentBits = 12;

    private const int SegmentCount = 1 << SegmentBits;

    private readonly Segment?[] _segments = new Segment?[SegmentCount];

    /// <summary>How many distinct ids were added.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes the fingerprints take (their tables; for measurements and tests).</summary>
    public long AllocatedBytes
    {
        get
        {
            long total = 0;
            foreach (var segment in _segments)
            {
                total += segment?.AllocatedBytes ?? 0;
            }

            return total;
        }
    }

    /// <summary>True the first time an id is seen.</summary>
    public bool Add(string id)
    {
        var (high, low, segment) = Fingerprint(id);
        return Add(high, low, segment);
    }

    /// <summary>Whether an id was added (or one with the same fingerprint).</summary>
    public bool Contains(string id)
    {
        var (high, low, segment) = Fingerprint(id);
        return Contains(high, low, segment);
    }

    private static (ulong High, ushort Low, int Segment) Fingerprint(string id)
    {
        // The UTF-16 code units, so ids that differ only in ill-formed surrogates stay different.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(id.AsSpan()), hash);
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt16LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt16LittleEndian(hash[10..]) & (SegmentCount - 1));
    }

    /// <summary>Adds a fingerprint given as its parts (tests use it to make collisions on purpose).</summary>
    internal bool Add(ulong high, ushort low, int segment)
    {
        var table = _segments[segment] ??= new Segment();
        if (!table.Add(high, NotEmpty(high, low)))
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>Whether a fingerprint given as its parts was added.</summary>
    internal bool Contains(ulong high, ushort low, int segment) => _segments[segment]?.Contains(high, NotEmpty(high, low)) == true;

    /// <summary>
    /// The low part to store: an empty slot is all zeros, so the one fingerprint that would look empty is moved next to
    /// it (its low part 1; the two count as one id).
    /// </summary>
    private static ushort NotEmpty(ulong high, ushort low) => high == 0 && low == 0 ? (ushort)1 : low;

    private sealed class Segment
    {
        private const int InitialSize = 16;

        private ulong[] _high = new ulong[InitialSize];
        private ushort[] _low = new ushort[InitialSize];
        private int _count;

        public long AllocatedBytes => ((long)_high.Length * sizeof(ulong)) + ((long)_low.Length * sizeof(ushort));

        public bool Contains(ulong high, ushort low) => Find(_high, _low, high, low, out _);

        public bool Add(ulong high, ushort low)
        {
            if (Find(_high, _low, high, low, out var slot))
            {
                return false;
            }

            // Kept at most 90% full (then grown by a fifth, to 75%): little spare room, probe runs still short.
            if ((_count + 1) * 10L > _high.Length * 9L)
            {
                Grow();
                Find(_high, _low, high, low, out slot);
            }

            _high[slot] = high;
            _low[slot] = low;
            _count++;
            return true;
        }

        /// <summary>Looks for the fingerprint; when absent, <paramref name="slot"/> is the empty slot it would take.</summary>
        private static bool Find(ulong[] highs, ushort[] lows, ulong high, ushort low, out int slot)
        {
            // The table's size need not be a power of two: the high bits of high * size spread over it evenly.
            var i = (int)Math.BigMul(high, (ulong)highs.Length, out _);
            while (true)
            {
                if (highs[i] == high && lows[i] == low)
                {
                    slot = i;
                    return true;
                }

                if (highs[i] == 0 && lows[i] == 0)
                {
                    slot = i;
                    return false;
                }

                if (++i == highs.Length)
                {
                    i = 0;
                }
            }
        }

        private void Grow()
        {
            var size = _high.Length + Math.Max(InitialSize, _high.Length / 5);
            var highs = new ulong[size];
            var lows = new ushort[size];
            for (var i = 0; i < _high.Length; i++)
            {
                if (_high[i] != 0 || _low[i] != 0)
                {
                    Find(highs, lows, _high[i], _low[i], out var slot);
                    highs[slot] = _high[i];
                    lows[slot] = _low[i];
                }
            }

            _high = highs;
            _low = lows;
        }
    }
}
