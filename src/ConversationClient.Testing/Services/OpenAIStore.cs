namespace ConversationClient.Testing.Services;

/// <summary>
/// OpenAI-dialect conversations and their items in memory, each visible only under the isolation key it was created
/// with. As OpenAI's own store does ("Items in the conversation will not be deleted"), deleting a conversation leaves its
/// items stored, where the API can no longer reach them: <see cref="CountOrphanedItems"/> counts them. Stored responses
/// (the Responses API's <c>store: true</c>) are objects of their own, linked to a conversation, under the same isolation
/// key: a conversation's delete leaves them stored (<see cref="CountOrphanedResponses"/>); Azure AI Foundry lists them
/// by conversation, which the rules serve on the Azure path only.
/// </summary>
internal sealed class OpenAIStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    // Items by conversation id, for live and deleted conversations alike; a deleted item keeps its place (Deleted) so
    // that an "after" cursor naming it stays valid, as for conversations.
    private readonly Dictionary<string, List<ItemEntry>> _items = new(StringComparer.Ordinal);
    private long _itemSequence;

    // Stored responses in creation order, live and deleted (a deleted one keeps its place so that "after" naming it stays valid).
    private readonly List<ResponseEntry> _responses = [];
    private readonly Dictionary<string, ResponseEntry> _responsesById = new(StringComparer.Ordinal);
    private long _responseSequence;

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

    /// <summary>Adds message items (each a role such as <c>user</c> or <c>assistant</c>, and a text) to a live conversation of this scope, oldest first; null when there is none.</summary>
    public IReadOnlyList<string>? AddItems(string conversationId, string? scope, IEnumerable<(string Role, string Text)> messages)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || !entry.IsIn(scope))
            {
                return null;
            }

            if (!_items.TryGetValue(conversationId, out var items))
            {
                items = [];
                _items.Add(conversationId, items);
            }

            var ids = new List<string>();
            foreach (var (role, text) in messages)
            {
                var item = new ItemEntry("msg_" + Guid.NewGuid().ToString("N"), role, text, ++_itemSequence);
                items.Add(item);
                ids.Add(item.Id);
            }

            return ids;
        }
    }

    /// <summary>
    /// One page of a live conversation's items in the order they were added (<paramref name="ascending"/>) or the
    /// reverse, after the item <paramref name="after"/>. <see cref="ItemLookup.ItemNotFound"/> when <paramref name="after"/>
    /// names no item of the conversation (a deleted one still counts as a cursor).
    /// </summary>
    public ItemLookup ListItems(string conversationId, string? scope, int limit, bool ascending, string? after, out OpenAIItemListBody? page)
    {
        page = null;
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || !entry.IsIn(scope))
            {
                return ItemLookup.ConversationNotFound;
            }

            var items = _items.GetValueOrDefault(conversationId) ?? [];
            long? cursor = null;
            if (after is not null)
            {
                var mark = items.Find(item => item.Id == after);
                if (mark is null)
                {
                    return ItemLookup.ItemNotFound;
                }

                cursor = mark.Sequence;
            }

            var live = items.Where(item => !item.Deleted);
            var ordered = ascending
                ? live.Where(item => cursor is null || item.Sequence > cursor)
                : live.Reverse().Where(item => cursor is null || item.Sequence < cursor);
            var taken = ordered.Take(limit + 1).ToList();
            var data = taken.Take(limit).Select(item => item.ToBody()).ToList();
            page = new OpenAIItemListBody("list", data, data.Count > 0 ? data[0].Id : null, data.Count > 0 ? data[^1].Id : null, taken.Count > limit);
            return ItemLookup.Found;
        }
    }

    /// <summary>Deletes an item of a live conversation of this scope; on success <paramref name="conversation"/> is the conversation, which the API answers.</summary>
    public ItemLookup DeleteItem(string conversationId, string itemId, string? scope, out OpenAIConversationBody? conversation)
    {
        conversation = null;
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || !entry.IsIn(scope))
            {
                return ItemLookup.ConversationNotFound;
            }

            var item = _items.GetValueOrDefault(conversationId)?.Find(item => item.Id == itemId && !item.Deleted);
            if (item is null)
            {
                return ItemLookup.ItemNotFound;
            }

            item.Deleted = true;
            conversation = entry.ToBody();
            return ItemLookup.Found;
        }
    }

    /// <summary>The items stored for a conversation of this scope, whether the conversation is live or deleted; null when it never was.</summary>
    public int? CountItems(string conversationId, string? scope)
    {
        lock (_lock)
        {
            if (!(_byId.TryGetValue(conversationId, out var entry) || _deleted.TryGetValue(conversationId, out entry)) || !entry.IsIn(scope))
            {
                return null;
            }

            return _items.GetValueOrDefault(conversationId)?.Count(item => !item.Deleted) ?? 0;
        }
    }

    /// <summary>The items still stored for deleted conversations: of one scope, or of every scope when <paramref name="allScopes"/>.</summary>
    public int CountOrphanedItems(string? scope, bool allScopes = false)
    {
        lock (_lock)
        {
            return _deleted.Values
                .Where(entry => allScopes || entry.IsIn(scope))
                .Sum(entry => _items.GetValueOrDefault(entry.Id)?.Count(item => !item.Deleted) ?? 0);
        }
    }

    /// <summary>Adds <paramref name="count"/> stored responses to a live conversation of this scope, oldest first; null when there is none.</summary>
    public IReadOnlyList<string>? AddResponses(string conversationId, string? scope, int count, long createdAt)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(conversationId, out var entry) || !entry.IsIn(scope))
            {
                return null;
            }

            var ids = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var response = new ResponseEntry("resp_" + Guid.NewGuid().ToString("N"), conversationId, scope, createdAt, ++_responseSequence);
                _responses.Add(response);
                _responsesById.Add(response.Id, response);
                ids.Add(response.Id);
            }

            return ids;
        }
    }

    /// <summary>
    /// One page of the scope's stored responses (of one conversation when <paramref name="conversationId"/> is given,
    /// whether the conversation is live or deleted: the filter matches what is stored), in creation order or the
    /// reverse, after the response <paramref name="after"/>. <see cref="ItemLookup.ItemNotFound"/> when <paramref name="after"/>
    /// names no response of this scope (a deleted one still counts as a cursor).
    /// </summary>
    public ItemLookup ListResponses(string? scope, string? conversationId, int limit, bool ascending, string? after, out OpenAIResponseListBody? page)
    {
        page = null;
        lock (_lock)
        {
            long? cursor = null;
            if (after is not null)
            {
                if (!_responsesById.TryGetValue(after, out var mark) || !mark.IsIn(scope))
                {
                    return ItemLookup.ItemNotFound;
                }

                cursor = mark.Sequence;
            }

            var live = _responses.Where(response => !response.Deleted && response.IsIn(scope)
                && (conversationId is null || response.ConversationId == conversationId));
            var ordered = ascending
                ? live.Where(response => cursor is null || response.Sequence > cursor)
                : live.Reverse().Where(response => cursor is null || response.Sequence < cursor);
            var taken = ordered.Take(limit + 1).ToList();
            var data = taken.Take(limit).Select(response => response.ToBody()).ToList();
            page = new OpenAIResponseListBody("list", data, data.Count > 0 ? data[0].Id : null, data.Count > 0 ? data[^1].Id : null, taken.Count > limit);
            return ItemLookup.Found;
        }
    }

    /// <summary>Deletes a stored response of this scope; false when there is none (unknown, another scope's, or deleted).</summary>
    public bool DeleteResponse(string responseId, string? scope)
    {
        lock (_lock)
        {
            if (!_responsesById.TryGetValue(responseId, out var response) || response.Deleted || !response.IsIn(scope))
            {
                return false;
            }

            response.Deleted = true;
            return true;
        }
    }

    /// <summary>The stored responses of a conversation of this scope, whether the conversation is live or deleted.</summary>
    public int CountResponses(string conversationId, string? scope)
    {
        lock (_lock)
        {
            return _responses.Count(response => !response.Deleted && response.IsIn(scope) && response.ConversationId == conversationId);
        }
    }

    /// <summary>The stored responses still kept for deleted conversations: of one scope, or of every scope when <paramref name="allScopes"/>.</summary>
    public int CountOrphanedResponses(string? scope, bool allScopes = false)
    {
        lock (_lock)
        {
            return _responses.Count(response => !response.Deleted && (allScopes || response.IsIn(scope)) && _deleted.ContainsKey(response.ConversationId));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byId.Clear();
            _deleted.Clear();
            _items.Clear();
            _responses.Clear();
            _responsesById.Clear();
        }
    }

    private sealed class ResponseEntry(string id, string conversationId, string? scope, long createdAt, long sequence)
    {
        public string Id { get; } = id;

        public string ConversationId { get; } = conversationId;

        public long Sequence { get; } = sequence;

        public bool Deleted { get; set; }

        public bool IsIn(string? other) => string.Equals(scope, other, StringComparison.Ordinal);

        public OpenAIResponseBody ToBody() => new(Id, "response", createdAt, "completed", "gpt-4.1", new OpenAIConversationRef(ConversationId),
            [new OpenAIMessageItem("message", "msg_" + Id["resp_".Length..], "completed", "assistant", [new OpenAIContentPart("output_text", "A stored answer.", [], [])])]);
    }

    private sealed class ItemEntry(string id, string role, string text, long sequence)
    {
        public string Id { get; } = id;

        public long Sequence { get; } = sequence;

        public bool Deleted { get; set; }

        // What a user sends is input text; what the model answered is output text (with its annotations and logprobs).
        public OpenAIMessageItem ToBody() => new("message", Id, "completed", role,
            [role == "assistant" ? new OpenAIContentPart("output_text", text, [], []) : new OpenAIContentPart("input_text", text, null, null)]);
    }

    private sealed record Entry(string Id, string? Scope, long CreatedAt, Dictionary<string, string> Metadata, long Sequence)
    {
        public bool IsIn(string? scope) => string.Equals(Scope, scope, StringComparison.Ordinal);

        public OpenAIConversationBody ToBody() => new(Id, "conversation", CreatedAt, Metadata);
    }
}
