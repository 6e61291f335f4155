namespace ConversationClient.Testing.Services;

/// <summary>OpenAI-dialect conversations in memory, each visible only under the isolation key it was created with.</summary>
internal sealed class OpenAIStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    // Deleted ids keep their place so that a list cursor ("after") stays valid while its conversation is deleted.
    private readonly Dictionary<string, Entry> _deleted = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>
    /// Gets or sets whether deleted conversations stay in listings, as a lagging search index keeps them for a while
    /// (deleting one again answers 404). Off by default; tests of list-and-delete loops turn it on.
    /// </summary>
    public bool ListingLags { get; set; }

    public OpenAIConversationBody Create(string? scope, IReadOnlyDictionary<string, string>? metadata, long createdAt)
    {
        var entry = new Entry(
            "conv_" + Guid.NewGuid().ToString("N"),
            scope,
            createdAt,
            metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata),
            0);
        lock (_lock)
        {
            entry = entry with { Sequence = ++_sequence };
            _byId.Add(entry.Id, entry);
        }

        return entry.ToBody();
    }

    public OpenAIConversationBody? Get(string id, string? scope)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var entry) && entry.IsIn(scope) ? entry.ToBody() : null;
        }
    }

    public bool Delete(string id, string? scope)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var entry) || !entry.IsIn(scope))
            {
                return false;
            }

            _byId.Remove(id);
            _deleted[id] = entry;
            return true;
        }
    }

    public int Count(string? scope)
    {
        lock (_lock)
        {
            return _byId.Values.Count(entry => entry.IsIn(scope));
        }
    }

    /// <summary>One page in creation order; null when <paramref name="after"/> names no conversation of this scope.</summary>
    public OpenAIListBody? List(string? scope, int limit, bool ascending, string? after)
    {
        lock (_lock)
        {
            long? cursor = null;
            if (after is not null)
            {
                if ((_byId.TryGetValue(after, out var mark) || _deleted.TryGetValue(after, out mark)) && mark.IsIn(scope))
                {
                    cursor = mark.Sequence;
                }
                else
                {
                    return null;
                }
            }

            var query = (ListingLags ? _byId.Values.Concat(_deleted.Values) : _byId.Values).Where(entry => entry.IsIn(scope));
            query = ascending
                ? query.Where(entry => cursor is null || entry.Sequence > cursor).OrderBy(entry => entry.Sequence)
                : query.Where(entry => cursor is null || entry.Sequence < cursor).OrderByDescending(entry => entry.Sequence);
            var page = query.Take(limit + 1).ToList();
            var hasMore = page.Count > limit;
            var data = page.Take(limit).Select(entry => entry.ToBody()).ToList();
            return new OpenAIListBody("list", data, data.Count > 0 ? data[0].Id : null, data.Count > 0 ? data[^1].Id : null, hasMore);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byId.Clear();
            _deleted.Clear();
        }
    }

    private sealed record Entry(string Id, string? Scope, long CreatedAt, Dictionary<string, string> Metadata, long Sequence)
    {
        public bool IsIn(string? scope) => string.Equals(Scope, scope, StringComparison.Ordinal);

        public OpenAIConversationBody ToBody() => new(Id, "conversation", CreatedAt, Metadata);
    }
}
