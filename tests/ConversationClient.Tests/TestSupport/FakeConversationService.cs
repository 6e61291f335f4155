using System.Collections.Concurrent;
using System.Net;
using System.Web;

namespace ConversationClient.Tests.TestSupport;

/// <summary>
/// A stateful in-memory conversation service behind an <see cref="HttpMessageHandler"/>: listing with each dialect's
/// paging and deleting. On Dify a <c>last_id</c> that no longer exists is a 404; OpenAI's <c>after</c> stays valid
/// after its conversation is deleted (the listing goes on from where it stood). Counts deletes and list calls.
/// </summary>
internal sealed class FakeConversationService(ConversationApiDialect dialect) : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<string> _conversations = [];
    private int _inFlight;

    public ConcurrentDictionary<string, int> DeleteCalls { get; } = new();

    public ConcurrentBag<string> FailingIds { get; } = [];

    /// <summary>Ids whose next deletes answer 503, as many times as the value says (a transient failure, retried).</summary>
    public ConcurrentDictionary<string, int> UnavailableTimes { get; } = new();

    /// <summary>Ids whose next deletes answer 429 (rate limit, no wait header), as many times as the value says.</summary>
    public ConcurrentDictionary<string, int> RefusedTimes { get; } = new();

    /// <summary>Every delete answers 429 (rate limit, no wait header): a service that refuses everything.</summary>
    public bool RefuseAllDeletes { get; set; }

    /// <summary>Ids whose delete answers 400 although the conversation is deleted (a failure that did happen).</summary>
    public ConcurrentBag<string> DeletedButFailingIds { get; } = [];

    public int ListCalls;

    public int MaxInFlight;

    public TimeSpan DeleteLatency { get; set; }

    /// <summary>Deleted conversations stay in listings (a lagging index): deleting them again answers 404.</summary>
    public bool KeepListingDeleted { get; set; }

    private readonly HashSet<string> _deleted = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _conversations.Count - _deleted.Count;
            }
        }
    }

    public void Seed(int count, string prefix = "c")
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _conversations.Add($"{prefix}{i:D5}");
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get)
        {
            Interlocked.Increment(ref ListCalls);
            return List(HttpUtility.ParseQueryString(request.RequestUri.Query));
        }

        var id = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        DeleteCalls.AddOrUpdate(id, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref MaxInFlight, now);
        try
        {
            if (DeleteLatency > TimeSpan.Zero)
            {
                await Task.Delay(DeleteLatency, cancellationToken);
            }

            if (RefuseAllDeletes || (RefusedTimes.TryGetValue(id, out var refusals) && refusals > 0 && RefusedTimes.TryUpdate(id, refusals - 1, refusals)))
            {
                return Responses.Make(HttpStatusCode.TooManyRequests, dialect == ConversationApiDialect.Dify
                    ? Responses.DifyError("too_many_requests", "Too many requests.", 429)
                    : Responses.OpenAIError("rate_limit_exceeded", "Rate limit reached for requests.", "requests"));
            }

            if (UnavailableTimes.TryGetValue(id, out var times) && times > 0 && UnavailableTimes.TryUpdate(id, times - 1, times))
            {
                return Responses.Make(HttpStatusCode.ServiceUnavailable, Responses.DifyError("unavailable", "Try again.", 503));
            }

            if (FailingIds.Contains(id))
            {
                return Responses.Make(HttpStatusCode.BadRequest, Responses.DifyError("invalid_param", "Refused.", 400));
            }

            if (DeletedButFailingIds.Contains(id))
            {
                lock (_lock)
                {
                    _conversations.Remove(id);
                }

                return Responses.Make(HttpStatusCode.BadRequest, Responses.DifyError("invalid_param", "Refused.", 400));
            }

            lock (_lock)
            {
                var exists = KeepListingDeleted ? _conversations.Contains(id) && _deleted.Add(id) : _conversations.Remove(id);
                return exists
                    ? Responses.Make(HttpStatusCode.NoContent)
                    : Responses.Make(HttpStatusCode.NotFound, dialect == ConversationApiDialect.Dify ? Responses.DifyNotFound : Responses.OpenAINotFound);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private HttpResponseMessage List(System.Collections.Specialized.NameValueCollection query)
    {
        var cursor = dialect == ConversationApiDialect.Dify ? query["last_id"] : query["after"];
        var limit = int.Parse(query["limit"] ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            var start = 0;
            if (cursor is not null)
            {
                var at = _conversations.IndexOf(cursor);
                if (at >= 0)
                {
                    start = at + 1;
                }
                else if (dialect == ConversationApiDialect.OpenAI)
                {
                    // Ids are seeded in ordinal order: "after" a deleted one is after where it stood.
                    start = _conversations.Count(id => string.CompareOrdinal(id, cursor) < 0);
                }
                else
                {
                    return Responses.Make(HttpStatusCode.NotFound, Responses.DifyError("not_found", "Last Conversation Not Exists.", 404));
                }
            }

            var page = _conversations.Skip(start).Take(limit).ToList();
            var hasMore = start + page.Count < _conversations.Count;
            var items = string.Join(",", page.Select(id => dialect == ConversationApiDialect.Dify
                ? $$"""{"id":"{{id}}","name":"Chat {{id}}","inputs":{},"status":"normal","introduction":"","created_at":1705407629,"updated_at":1705411229}"""
                : "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":{\"topic\":\"" + id + "\"}}"));
            var body = dialect == ConversationApiDialect.Dify
                ? $$"""{"limit":{{limit}},"has_more":{{(hasMore ? "true" : "false")}},"data":[{{items}}]}"""
                : $$"""{"object":"list","data":[{{items}}],"first_id":{{Quote(page.FirstOrDefault())}},"last_id":{{Quote(page.LastOrDefault())}},"has_more":{{(hasMore ? "true" : "false")}}}""";
            return Responses.Make(HttpStatusCode.OK, body);
        }
    }

    private static string Quote(string? value) => value is null ? "null" : $"\"{value}\"";

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
