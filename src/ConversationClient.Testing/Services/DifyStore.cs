namespace ConversationClient.Testing.Services;

/// <summary>
/// Dify conversations and their messages in memory, each owned by one end user. Deleting a conversation deletes its
/// messages, as Dify does (a background task after the 204 in Dify 1.13; here at once).
/// </summary>
internal sealed class DifyStore
{
    /// <summary>The values Dify accepts for <c>sort_by</c>.</summary>
    public static readonly IReadOnlyList<string> SortFields = ["created_at", "-created_at", "updated_at", "-updated_at"];

    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    // Kept only while ListingLags is on: what a lagging index still lists.
    private readonly Dictionary<string, Entry> _deleted = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>
    /// Gets or sets whether deleted conversations stay in listings, as a lagging search index keeps them for a while
    /// (deleting one again answers 404). Off by default; tests of list-and-delete loops turn it on.
    /// </summary>
    public bool ListingLags { get; set; }

    public DifyConversationBody Create(string user, string name, IReadOnlyDictionary<string, string>? inputs, long createdAt)
    {
        var entry = new Entry
        {
            Id = Guid.NewGuid().ToString("D"),
            User = user,
            Name = name,
            Inputs = inputs is null ? new Dictionary<string, string>() : new Dictionary<string, string>(inputs),
            CreatedAt = createdAt,
            UpdatedAt = createdAt,
        };
        lock (_lock)
        {
            entry.CreatedSequence = entry.UpdatedSequence = ++_sequence;
            _byId.Add(entry.Id, entry);
            return entry.ToBody();
        }
    }

    /// <summary>Marks a conversation of this user as active now; false when it does not exist for this user.</summary>
    public bool Touch(string id, string user, long now)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var entry) || entry.User != user)
            {
                return false;
            }

            entry.UpdatedAt = Math.Max(entry.UpdatedAt, now);
            entry.UpdatedSequence = ++_sequence;
            return true;
        }
    }

    public bool Exists(string id, string user)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var entry) && entry.User == user;
        }
    }

    public bool Delete(string id, string user)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var entry) || entry.User != user)
            {
                return false;
            }

            _byId.Remove(id);
            entry.Messages.Clear();
            if (ListingLags)
            {
                _deleted[id] = entry;
            }

            return true;
        }
    }

    public int Count(string user)
    {
        lock (_lock)
        {
            return _byId.Values.Count(entry => entry.User == user);
        }
    }

    /// <summary>
    /// One page of the user's conversations, as Dify pages them: after <paramref name="lastId"/> in the
    /// <paramref name="sortBy"/> order. Null when <paramref name="lastId"/> names no conversation of this user
    /// (Dify answers 404 "Last Conversation Not Exists." then, also when it was deleted meanwhile).
    /// </summary>
    public DifyListBody? List(string user, string? lastId, int limit, string sortBy)
    {
        lock (_lock)
        {
            var descending = sortBy.StartsWith('-');
            var byUpdated = sortBy.EndsWith("updated_at", StringComparison.Ordinal);
            Func<Entry, long> key = byUpdated ? entry => entry.UpdatedAt : entry => entry.CreatedAt;
            Func<Entry, long> tieBreak = byUpdated ? entry => entry.UpdatedSequence : entry => entry.CreatedSequence;
            var mine = (ListingLags ? _byId.Values.Concat(_deleted.Values) : _byId.Values).Where(entry => entry.User == user);

            // Ties are broken by the order of creation (or of the last activity), so pages never overlap.
            var ordered = descending
                ? mine.OrderByDescending(key).ThenByDescending(tieBreak).ToList()
                : mine.OrderBy(key).ThenBy(tieBreak).ToList();

            var start = 0;
            if (!string.IsNullOrEmpty(lastId))
            {
                var index = ordered.FindIndex(entry => entry.Id == lastId);
                if (index < 0)
                {
                    return null;
                }

                start = index + 1;
            }

            var data = ordered.Skip(start).Take(limit).Select(entry => entry.ToBody()).ToList();
            return new DifyListBody(limit, start + data.Count < ordered.Count, data);
        }
    }

    /// <summary>
    /// Adds messages (a query and its answer each) to a conversation of this user, oldest first; null when there is none.
    /// The first is created at <paramref name="createdAt"/> (or with the last one, if later), each next one a second later.
    /// </summary>
    public IReadOnlyList<string>? AddMessages(string conversationId, string user, IEnumerable<(string Query, string Answer)> messages, long createdAt)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || entry.User != user)
            {
                return null;
            }

            var ids = new List<string>();
            foreach (var (query, answer) in messages)
            {
                var message = new Message(Guid.NewGuid().ToString("D"), entry.Messages.Count > 0 ? entry.Messages[^1].Id : null, query, answer,
                    Math.Max(createdAt, entry.Messages.Count > 0 ? entry.Messages[^1].CreatedAt : createdAt), ++_sequence);
                entry.Messages.Add(message);
                ids.Add(message.Id);
                createdAt++;
            }

            return ids;
        }
    }

    /// <summary>
    /// One page of a conversation's messages as Dify pages them: the <paramref name="limit"/> messages before
    /// <paramref name="firstId"/> (or the newest), oldest first, with whether older ones are left.
    /// </summary>
    public ItemLookup ListMessages(string conversationId, string user, string? firstId, int limit, out DifyMessageListBody? page)
    {
        page = null;
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || entry.User != user)
            {
                return ItemLookup.ConversationNotFound;
            }

            // Newest first, as Dify queries them; ties in the same second go by the order they were added. (Dify's own
            // query, created_at < first's, would skip messages of the same second as first_id; seeded messages are a
            // second apart so that both agree.)
            IEnumerable<Message> newestFirst = Enumerable.Reverse(entry.Messages);
            if (!string.IsNullOrEmpty(firstId))
            {
                var first = entry.Messages.Find(message => message.Id == firstId);
                if (first is null)
                {
                    return ItemLookup.ItemNotFound;
                }

                newestFirst = newestFirst.Where(message => message.Sequence < first.Sequence);
            }

            var taken = newestFirst.Take(limit + 1).ToList();
            var data = taken.Take(limit).Select(message => message.ToBody(entry)).ToList();
            data.Reverse();
            page = new DifyMessageListBody(limit, taken.Count > limit, data);
            return ItemLookup.Found;
        }
    }

    /// <summary>The messages stored for a conversation of this user (none once it is deleted); null when it does not exist.</summary>
    public int? CountMessages(string conversationId, string user)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(conversationId, out var entry) && entry.User == user ? entry.Messages.Count : null;
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

    private sealed class Entry
    {
        public required string Id { get; init; }

        public required string User { get; init; }

        public required string Name { get; init; }

        public required Dictionary<string, string> Inputs { get; init; }

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; set; }

        public long CreatedSequence { get; set; }

        public long UpdatedSequence { get; set; }

        public List<Message> Messages { get; } = [];

        public DifyConversationBody ToBody() => new(Id, Name, Inputs, "normal", string.Empty, CreatedAt, UpdatedAt);
    }

    private sealed record Message(string Id, string? ParentId, string Query, string Answer, long CreatedAt, long Sequence)
    {
        public DifyMessageBody ToBody(Entry conversation) => new(Id, conversation.Id, ParentId, conversation.Inputs, Query, Answer, "normal",
            null, [], null, [], [], CreatedAt);
    }
}
