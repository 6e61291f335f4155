using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ConversationClient.Internal;

/// <summary>
/// Remembers which ids a batch has seen by a 104-bit fingerprint (not the ids), so a repeated id is spotted in about
/// 15 bytes per distinct id: a million ids in one batch hold some 15 MB. A false match (a new id taken for a repeat,
/// and so not deleted) needs two of the ids to share 104 bits of SHA-256: for a million ids about one chance in 10^19.
/// </summary>
/// <remarks>
/// A <see cref="HashSet{T}"/> of 128-bit fingerprints took 32 bytes an entry (with its hash code, link and alignment),
/// and twice that while it resized one large array: 164 MB of peak working set for a million ids in one call. Here the
/// fingerprints are split by 8 of their bits over 256 small open-addressing tables (linear probing, kept 68-85% full),
/// each holding the other 96 bits in two flat arrays: no per-entry overhead, and a resize copies one table of 256.
/// </remarks>
internal sealed class IdFingerprints
{
    private const int SegmentCount = 256;

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
        // The UTF-16 code units, so ids that differ only in ill-formed surrogates stay different.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(id.AsSpan()), hash);
        return Add(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt32LittleEndian(hash[8..]), hash[12]);
    }

    /// <summary>Adds a fingerprint given as its parts (tests use it to make collisions on purpose).</summary>
    internal bool Add(ulong high, uint low, byte segment)
    {
        // An empty slot is all zeros: the one fingerprint that would look empty is moved next to it.
        if (high == 0 && low == 0)
        {
            low = 1;
        }

        var table = _segments[segment] ??= new Segment();
        if (!table.Add(high, low))
        {
            return false;
        }

        Count++;
        return true;
    }

    private sealed class Segment
    {
        private const int InitialSize = 16;

        private ulong[] _high = new ulong[InitialSize];
        private uint[] _low = new uint[InitialSize];
        private int _count;

        public long AllocatedBytes => ((long)_high.Length * sizeof(ulong)) + ((long)_low.Length * sizeof(uint));

        public bool Add(ulong high, uint low)
        {
            if (Find(_high, _low, high, low, out var slot))
            {
                return false;
            }

            // Kept at most 85% full (then grown by a quarter, to 68%): short probe runs at little spare room.
            if ((_count + 1) * 20L > _high.Length * 17L)
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
        private static bool Find(ulong[] highs, uint[] lows, ulong high, uint low, out int slot)
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
            var size = _high.Length + Math.Max(InitialSize, _high.Length / 4);
            var highs = new ulong[size];
            var lows = new uint[size];
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
