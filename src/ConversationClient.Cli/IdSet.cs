using System.Security.Cryptography;
using System.Text;

namespace ConversationClient.Cli;

/// <summary>
/// A set of conversation ids kept as 128-bit fingerprints (SHA-256, truncated), not the ids, so a set of a million ids
/// stays small; a collision would need 2^64 ids. The resumed receipt's done ids, an export's ids and an erase run's
/// earlier results are each one.
/// </summary>
internal sealed class IdSet
{
    private readonly HashSet<UInt128> _ids = [];

    /// <summary>How many distinct ids are in the set.</summary>
    public int Count => _ids.Count;

    public bool Add(string id) => _ids.Add(Fingerprint(id));

    public bool Remove(string id) => _ids.Remove(Fingerprint(id));

    public bool Contains(string id) => _ids.Contains(Fingerprint(id));

    /// <summary>The fingerprint of <paramref name="id"/>, for a map keyed by id (see <see cref="RunSummary"/>).</summary>
    public static UInt128 Fingerprint(string id)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
