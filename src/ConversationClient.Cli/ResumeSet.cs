using System.Text;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The ids a receipt says are done (Deleted or NotFound and, for a run that verifies, checked gone), for <c>--resume</c>,
/// as an <see cref="IdSet"/>. A Deleted line whose check could not be made (<c>not_checked</c>) is not done for a run that
/// verifies: it runs again (a NotFound and a look), so a resumed run never calls verified what nobody checked. The receipt is
/// read line by line and the last line of an id wins: an erasure's verification writes a second line (Failed,
/// <c>still_present</c>) for a conversation it reported deleted but finds still there, and a re-run appends to the same
/// receipt, so a later Failed or Unknown line makes the id one to try again. A line that is not a conversation's (the
/// summary, or a line cut short by a crash) is passed over.
/// </summary>
internal sealed class ResumeSet
{
    private readonly IdSet _done = new();

    /// <summary>How many distinct ids are done.</summary>
    public int Count => _done.Count;

    /// <param name="path">The receipt.</param>
    /// <param name="verified">Whether the resuming run verifies: then only a line that says <c>"verification":"gone"</c> is done.</param>
    public static ResumeSet Read(string path, bool verified)
    {
        var set = new ResumeSet();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (Parse(line, verified) is ({ } id, var done))
                {
                    if (done)
                    {
                        set._done.Add(id);
                    }
                    else
                    {
                        set._done.Remove(id);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the receipt to resume from {path}: {ex.Message}", ex);
        }

        return set;
    }

    public bool Contains(string id) => _done.Contains(id);

    private static bool IsGone(JsonElement line) =>
        line.TryGetProperty("verification", out var verification) && verification.ValueKind == JsonValueKind.String && verification.GetString() == "gone";

    /// <summary>A conversation's line: its id, and whether it is done (Deleted or NotFound, and gone when <paramref name="verified"/>); null for any other line.</summary>
    private static (string Id, bool Done)? Parse(string line, bool verified)
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
                && root.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.String
                ? (id.GetString()!, outcome.GetString() is "Deleted" or "NotFound" && (!verified || IsGone(root)))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
