using System.Text;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The ids a receipt says are done (Deleted or NotFound and, for a run that verifies, checked gone), for <c>--resume</c>,
/// as an <see cref="IdSet"/>. Only the lines of runs for the same user, service and host count (each run's header line,
/// <see cref="Receipt.WriteRunStart"/>): on Dify and Azure a conversation of another user answers 404, so a run with the
/// wrong user writes NotFound, gone, for conversations the right user still has. Lines of other runs, and lines before
/// any header (a receipt written before runs had one: nothing says whom they were for), are passed over and counted, so
/// the caller can say so. A Deleted line whose check could not be made (<c>not_checked</c>) is not done for a run that
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

    /// <summary>Conversation lines passed over as they come before any run header (a receipt of an earlier version).</summary>
    public long LinesWithoutRun { get; private set; }

    /// <summary>Conversation lines passed over as they are of runs for another user, service or host.</summary>
    public long LinesOfOtherRuns { get; private set; }

    /// <param name="path">The receipt.</param>
    /// <param name="verified">Whether the resuming run verifies: then only a line that says <c>"verification":"gone"</c> is done.</param>
    /// <param name="run">Whom the resuming run is for: only the lines of runs for the same are read.</param>
    public static ResumeSet Read(string path, bool verified, RunFor run)
    {
        var set = new ResumeSet();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            bool? sameRun = null;
            while (reader.ReadLine() is { } line)
            {
                switch (Parse(line, verified, run))
                {
                    case RunHeader(var same):
                        sameRun = same;
                        break;
                    case ConversationLine(var id, var done) when sameRun == true:
                        if (done)
                        {
                            set._done.Add(id);
                        }
                        else
                        {
                            set._done.Remove(id);
                        }

                        break;
                    case ConversationLine when sameRun is null:
                        set.LinesWithoutRun++;
                        break;
                    case ConversationLine:
                        set.LinesOfOtherRuns++;
                        break;
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

    private static string? StringOf(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether a run header is of a run for <paramref name="run"/>: the same service, host and user digest (both null for a run without a user).</summary>
    private static bool IsFor(JsonElement header, RunFor run) =>
        StringOf(header, "service") == run.Service
        && string.Equals(StringOf(header, "host"), run.Host, StringComparison.OrdinalIgnoreCase)
        && header.TryGetProperty("user_sha256", out var digest)
        && (digest.ValueKind == JsonValueKind.Null ? run.UserSha256 is null : digest.ValueKind == JsonValueKind.String && digest.GetString() == run.UserSha256);

    /// <summary>
    /// A run's header (and whether the run was for <paramref name="run"/>), or a conversation's line (its id, and whether
    /// it is done: Deleted or NotFound, and gone when <paramref name="verified"/>); null for any other line.
    /// </summary>
    private static object? Parse(string line, bool verified, RunFor run)
    {
        if (line.Length == 0 || line[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("run", out var header) && header.ValueKind == JsonValueKind.True)
            {
                return new RunHeader(IsFor(root, run));
            }

            return root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.String
                ? new ConversationLine(id.GetString()!, outcome.GetString() is "Deleted" or "NotFound" && (!verified || IsGone(root)))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record RunHeader(bool SameRun);

    private sealed record ConversationLine(string Id, bool Done);
}
