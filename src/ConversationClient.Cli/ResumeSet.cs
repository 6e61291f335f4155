using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The ids a receipt says are done (Deleted or NotFound), for <c>--resume</c>. It keeps a 128-bit fingerprint per id
/// (SHA-256, truncated), not the ids, so resuming a million-id run stays small; a collision would need 2^64 ids. The
/// receipt is read line by line; a line that is not a conversation's (the summary, or a line cut short by a crash) is
/// passed over.
/// </summary>
internal sealed class ResumeSet
{
    private readonly HashSet<UInt128> _done = [];

    /// <summary>How many distinct ids are done.</summary>
    public int Count => _done.Count;

    public static ResumeSet Read(string path)
    {
        var set = new ResumeSet();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (Parse(line) is { } id)
                {
                    set._done.Add(Fingerprint(id));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the receipt to resume from {path}: {ex.Message}", ex);
        }

        return set;
    }

    public bool Contains(string id) => _done.Contains(Fingerprint(id));

    private static string? Parse(string line)
    {
        if (line.Length == 0 || line[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("outcome", out var outcome) && outcome.GetString() is "Deleted" or "NotFound"
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static UInt128 Fingerprint(string id)
    {
        var bytes = Encoding.UTF8.GetBytes(id);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
