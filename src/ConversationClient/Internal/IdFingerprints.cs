using System.Buffers;
using System.Security.Cryptography;
using System.Text;

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
        var length = Encoding.UTF8.GetMaxByteCount(id.Length);
        byte[]? rented = null;
        var bytes = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(id, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return _seen.Add(new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..])));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
