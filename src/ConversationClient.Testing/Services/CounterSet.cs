namespace ConversationClient.Testing.Services;

/// <summary>What the services answered, updated with interlocked operations.</summary>
internal sealed class CounterSet
{
    private long _requests;
    private long _openAIRequests;
    private long _difyRequests;
    private long _unauthorized;
    private long _faults;
    private long _created;
    private long _deleted;
    private long _deleteNotFound;
    private long _deleteRequests;
    private long _deletesRateLimited;
    private long _readRequests;
    private long _readsRateLimited;
    private long _listPages;
    private long _itemListPages;
    private long _itemsDeleted;
    private long _conversationGets;
    private long _responseListPages;
    private long _responsesDeleted;

    public void Request(bool dify)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref dify ? ref _difyRequests : ref _openAIRequests);
    }

    public void Unauthorized() => Interlocked.Increment(ref _unauthorized);

    public void Fault() => Interlocked.Increment(ref _faults);

    public void Created(int count = 1) => Interlocked.Add(ref _created, count);

    public void Deleted() => Interlocked.Increment(ref _deleted);

    public void DeleteNotFound() => Interlocked.Increment(ref _deleteNotFound);

    public void DeleteRequest() => Interlocked.Increment(ref _deleteRequests);

    public void DeleteRateLimited() => Interlocked.Increment(ref _deletesRateLimited);

    public void ReadRequest() => Interlocked.Increment(ref _readRequests);

    public void ReadRateLimited() => Interlocked.Increment(ref _readsRateLimited);

    public void ListPage() => Interlocked.Increment(ref _listPages);

    public void ItemListPage() => Interlocked.Increment(ref _itemListPages);

    public void ItemDeleted() => Interlocked.Increment(ref _itemsDeleted);

    public void ConversationGet() => Interlocked.Increment(ref _conversationGets);

    public void ResponseListPage() => Interlocked.Increment(ref _responseListPages);

    public void ResponseDeleted() => Interlocked.Increment(ref _responsesDeleted);

    public ServiceCounters Snapshot() => new()
    {
        Requests = Interlocked.Read(ref _requests),
        OpenAIRequests = Interlocked.Read(ref _openAIRequests),
        DifyRequests = Interlocked.Read(ref _difyRequests),
        Unauthorized = Interlocked.Read(ref _unauthorized),
        FaultsInjected = Interlocked.Read(ref _faults),
        ConversationsCreated = Interlocked.Read(ref _created),
        ConversationsDeleted = Interlocked.Read(ref _deleted),
        DeletesNotFound = Interlocked.Read(ref _deleteNotFound),
        DeleteRequests = Interlocked.Read(ref _deleteRequests),
        DeletesRateLimited = Interlocked.Read(ref _deletesRateLimited),
        ReadRequests = Interlocked.Read(ref _readRequests),
        ReadsRateLimited = Interlocked.Read(ref _readsRateLimited),
        ListPages = Interlocked.Read(ref _listPages),
        ItemListPages = Interlocked.Read(ref _itemListPages),
        ItemsDeleted = Interlocked.Read(ref _itemsDeleted),
        ConversationGets = Interlocked.Read(ref _conversationGets),
        ResponseListPages = Interlocked.Read(ref _responseListPages),
        ResponsesDeleted = Interlocked.Read(ref _responsesDeleted),
    };

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _openAIRequests, 0);
        Interlocked.Exchange(ref _difyRequests, 0);
        Interlocked.Exchange(ref _unauthorized, 0);
        Interlocked.Exchange(ref _faults, 0);
        Interlocked.Exchange(ref _created, 0);
        Interlocked.Exchange(ref _deleted, 0);
        Interlocked.Exchange(ref _deleteNotFound, 0);
        Interlocked.Exchange(ref _deleteRequests, 0);
        Interlocked.Exchange(ref _deletesRateLimited, 0);
        Interlocked.Exchange(ref _readRequests, 0);
        Interlocked.Exchange(ref _readsRateLimited, 0);
        Interlocked.Exchange(ref _listPages, 0);
        Interlocked.Exchange(ref _itemListPages, 0);
        Interlocked.Exchange(ref _itemsDeleted, 0);
        Interlocked.Exchange(ref _conversationGets, 0);
        Interlocked.Exchange(ref _responseListPages, 0);
        Interlocked.Exchange(ref _responsesDeleted, 0);
    }
}
