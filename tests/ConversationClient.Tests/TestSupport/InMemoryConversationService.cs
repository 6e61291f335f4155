using System.Collections.Concurrent;
using ConversationClient.Testing.Services;
using ServiceResponses = ConversationClient.Testing.Services.Responses;

namespace ConversationClient.Tests.TestSupport;

/// <summary>
/// The services' own rules (ConversationClient.Testing's, the same the emulator and the WireMock.Net stub serve) run in
/// memory behind an <see cref="HttpMessageHandler"/>, for the client built by <see cref="TestClients.Options"/>: the
/// stores, each dialect's paging (Dify's deleted <c>last_id</c> is a 404, OpenAI's <c>after</c> stays valid) and
/// envelopes are the services'. On top, what a unit test scripts per conversation id (refusals, failures) and counts
/// (deletes per id, list calls, deletes in flight).
/// </summary>
internal sealed class InMemoryConversationService : DelegatingHandler
{
    private readonly bool _dify;
    private readonly ServiceState _state;
    private readonly ConcurrentDictionary<string, byte> _users = new(StringComparer.Ordinal);
    private int _inFlight;

    public InMemoryConversationService(ConversationApiDialect dialect)
    {
        _dify = dialect == ConversationApiDialect.Dify;

        // The test client's one key is this dialect's key; the other dialect's is one it never sends.
        _state = new ServiceState(new ServiceSettings(
            OpenAIApiKey: _dify ? "sk-not-used" : TestClients.ApiKey,
            DifyApiKey: _dify ? TestClients.ApiKey : "app-not-used",
            ConversationClientOptions.DefaultUserIsolationHeaderName,
            OpenAIPublicListing: false,
            TimeProvider.System));
        InnerHandler = new ServiceRulesHandler(new ServiceRules(_state));
    }

    public ConcurrentDictionary<string, int> DeleteCalls { get; } = new();

    /// <summary>Item deletes asked for, by item id.</summary>
    public ConcurrentDictionary<string, int> ItemDeleteCalls { get; } = new();

    /// <summary>Conversation ids whose delete answers as done (200 confirming, Dify 204) while the service keeps the conversation.</summary>
    public ConcurrentBag<string> KeptIds { get; } = [];

    /// <summary>Conversation ids whose next looks (OpenAI <c>GET /conversations/{id}</c>, Dify's messages) answer 400, as many times as the value says.</summary>
    public ConcurrentDictionary<string, int> FailingChecks { get; } = new();

    /// <summary>Conversation or item ids whose deletes answer 400 <c>invalid_param</c> (a failure, not retried).</summary>
    public ConcurrentBag<string> FailingIds { get; } = [];

    /// <summary>Ids whose next deletes answer 503, as many times as the value says (a transient failure, retried).</summary>
    public ConcurrentDictionary<string, int> UnavailableTimes { get; } = new();

    /// <summary>Ids whose next deletes answer 429 (rate limit, no wait header), as many times as the value says.</summary>
    public ConcurrentDictionary<string, int> RefusedTimes { get; } = new();

    /// <summary>Every delete answers 429 (rate limit, no wait header): a service that refuses everything.</summary>
    public bool RefuseAllDeletes { get; set; }

    /// <summary>Ids whose delete answers 400 although the conversation is deleted (a failure that did happen).</summary>
    public ConcurrentBag<string> DeletedButFailingIds { get; } = [];

    /// <summary>Conversation listing pages asked for (<c>GET .../conversations</c>).</summary>
    public int ListCalls;

    /// <summary>The most deletes (conversations and items) in flight at once.</summary>
    public int MaxInFlight;

    public TimeSpan DeleteLatency { get; set; }

    /// <summary>Deleted conversations stay in listings (a lagging index): deleting them again answers 404.</summary>
    public bool KeepListingDeleted
    {
        get => _state.OpenAI.ListingLags;
        set => _state.OpenAI.ListingLags = _state.Dify.ListingLags = value;
    }

    /// <summary>The conversations left of the users seeded.</summary>
    public int Count => _users.Keys.Sum(user => _dify ? _state.Dify.Count(user) : _state.OpenAI.Count(user.Length == 0 ? null : user));

    /// <summary>
    /// Creates conversations of <paramref name="user"/> (the isolation key on OpenAI; null for none), oldest first, each
    /// with <paramref name="items"/> items (OpenAI: message items, user and assistant in turn) or messages (Dify).
    /// </summary>
    /// <returns>Their ids, oldest first: the services' own (UUIDs on Dify, <c>conv_…</c> on OpenAI).</returns>
    public IReadOnlyList<string> Seed(int count, string? user, int items = 0, int responses = 0)
    {
        _users.TryAdd(user ?? string.Empty, 0);
        return _dify ? _state.SeedDify(count, user!, null, items) : _state.SeedOpenAI(count, user, items: items, responses: responses);
    }

    /// <summary>
    /// A message written in a Dify conversation of <paramref name="user"/> now, as Dify's chat does: the conversation's
    /// <c>updated_at</c> becomes now, which moves it to the top of the listing by last activity (Dify's default order).
    /// </summary>
    public bool TouchDify(string conversationId, string user) => _state.Dify.Touch(conversationId, user, _state.Now);

    /// <summary>The stored responses linked to a conversation of <paramref name="user"/>, live or deleted (always 0 on Dify).</summary>
    public int CountResponses(string conversationId, string? user) => _dify ? 0 : _state.OpenAI.CountResponses(conversationId, user);

    /// <summary>The ids of the stored responses linked to a conversation of <paramref name="user"/>, oldest first (OpenAI).</summary>
    public IReadOnlyList<string> ResponseIds(string conversationId, string? user)
    {
        _state.OpenAI.ListResponses(user, conversationId, 100, ascending: true, after: null, out var page);
        return [.. page!.Data.Select(response => response.Id)];
    }

    /// <summary>The stored responses left by deleted OpenAI conversations of <paramref name="user"/> (always 0 on Dify).</summary>
    public int CountOrphanedResponses(string? user) => _dify ? 0 : _state.OpenAI.CountOrphanedResponses(user);

    /// <summary>Stored-response deletes asked for, by response id.</summary>
    public ConcurrentDictionary<string, int> ResponseDeleteCalls { get; } = new();

    /// <summary>
    /// When set, every listing of stored responses (<c>GET .../responses</c>) answers this status instead: 404 as an address
    /// the service does not serve (OpenAI's "Invalid URL"), any other in the service's error envelope.
    /// </summary>
    public int? ResponseListingStatus { get; set; }

    /// <summary>
    /// The items (OpenAI) or messages (Dify) stored for a conversation of <paramref name="user"/>; on OpenAI also after
    /// the conversation is deleted (OpenAI keeps them), on Dify none once it is deleted.
    /// </summary>
    public int CountItems(string conversationId, string? user) =>
        (_dify ? _state.Dify.CountMessages(conversationId, user!) : _state.OpenAI.CountItems(conversationId, user)) ?? 0;

    /// <summary>The items left stored by deleted OpenAI conversations of <paramref name="user"/> (always 0 on Dify).</summary>
    public int CountOrphanedItems(string? user) => _dify ? 0 : _state.OpenAI.CountOrphanedItems(user);

    /// <summary>What the service has answered (item pages, item deletes, conversation gets, ...).</summary>
    public ConversationClient.Testing.ServiceCounters Counters => _state.Counters.Snapshot();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method != HttpMethod.Delete)
        {
            // Conversation listings are counted; item pages and gets are in Counters.
            if (path.EndsWith("/conversations", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref ListCalls);
            }
            else if (path.EndsWith("/responses", StringComparison.Ordinal) && ResponseListingStatus is { } status)
            {
                return Answer(status == 404
                    ? ServiceResponses.OpenAIError(404, $"Invalid URL (GET {path})", "invalid_request_error", null)
                    : ServiceResponses.Error(_dify, status, "server_error", "The listing failed.", "server_error"), request);
            }
            else if (ConversationAskedFor(request) is { } asked && TakeOne(FailingChecks, asked))
            {
                return Answer(ServiceResponses.Error(_dify, 400, "invalid_param", "Refused.", "invalid_request_error"), request);
            }

            return await base.SendAsync(request, cancellationToken);
        }

        var id = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        var isItem = path.Contains("/items/", StringComparison.Ordinal);
        var isResponse = path.Contains("/responses/", StringComparison.Ordinal);
        (isItem ? ItemDeleteCalls : isResponse ? ResponseDeleteCalls : DeleteCalls).AddOrUpdate(id, 1, (_, n) => n + 1);
        InterlockedMax(ref MaxInFlight, Interlocked.Increment(ref _inFlight));
        try
        {
            if (DeleteLatency > TimeSpan.Zero)
            {
                await Task.Delay(DeleteLatency, cancellationToken);
            }

            if (RefuseAllDeletes || TakeOne(RefusedTimes, id))
            {
                return Answer(ServiceResponses.Error(_dify, 429, _dify ? "too_many_requests" : "rate_limit_exceeded", "Too many requests.", "requests"), request);
            }

            if (TakeOne(UnavailableTimes, id))
            {
                return Answer(ServiceResponses.Error(_dify, 503, "unavailable", "Try again.", "server_error"), request);
            }

            if (FailingIds.Contains(id))
            {
                return Answer(ServiceResponses.Error(_dify, 400, "invalid_param", "Refused.", "invalid_request_error"), request);
            }

            if (KeptIds.Contains(id))
            {
                return _dify
                    ? Responses.Make(System.Net.HttpStatusCode.NoContent)
                    : Responses.Make(System.Net.HttpStatusCode.OK, $$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}""");
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (DeletedButFailingIds.Contains(id))
            {
                response.Dispose();
                return Answer(ServiceResponses.Error(_dify, 400, "invalid_param", "Refused.", "invalid_request_error"), request);
            }

            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>The conversation a look at one conversation asks for (OpenAI: <c>GET .../conversations/{id}</c>; Dify: its messages), else null.</summary>
    private static string? ConversationAskedFor(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/messages", StringComparison.Ordinal))
        {
            return System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query)["conversation_id"];
        }

        var at = path.IndexOf("/conversations/", StringComparison.Ordinal);
        return at >= 0 && !path.Contains("/items", StringComparison.Ordinal) ? Uri.UnescapeDataString(path[(at + "/conversations/".Length)..]) : null;
    }

    private static HttpResponseMessage Answer(ServiceAnswer answer, HttpRequestMessage request) => ServiceRulesHandler.ToResponse(answer, request);

    private static bool TakeOne(ConcurrentDictionary<string, int> times, string id) =>
        times.TryGetValue(id, out var left) && left > 0 && times.TryUpdate(id, left - 1, left);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
