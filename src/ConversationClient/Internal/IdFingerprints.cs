using System.Security.Cryptography;
using System.Runtime.InteropServices;

namespace ConversationClient.Internal;

/// <summary>
/// Remembers which ids a batch has seen by a 128-bit fingerprint (16 bytes each, not the ids), so a repeated id is
/// spotted without holding every id; a false match is as unlikely as a 128-bit hash collision.
/// </summary>
internal sealed class IdFingerprints
{
    private readonly HashSet<UInt128> _seen = [];

    /// <summary>True the first time an id is seen.</summary>
    public bool Add(string id)
    {
        // The UTF-16 code units, so ids that differ only in ill-formed surrogates stay different.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(id.AsSpan()), hash);
        return _seen.Add(new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..])));
    }
}
