using System.Text.Json;
using ConversationClient.Testing.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Util;

namespace ConversationClient.Testing;

/// <summary>
/// A WireMock.Net server on a free loopback port that behaves like one conversation service: conversations per user (or
/// isolation key) that are deleted once and then answer 404 in the service's envelope, listing with the service's
/// paging, 401 for a wrong key, scripted faults, and optionally the service's rate limit on deletes. Point a client at
/// it with <see cref="CreateClientOptions"/>; the underlying <see cref="Server"/> takes stubs of your own (they win over
/// this one's, which have the lowest priority).
/// </summary>
/// <example>
/// <code>
/// using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
/// var id = stub.AddConversation(user: "user-1");
/// var client = ConversationClientFactory.Create(stub.CreateClientOptions());
/// var result = await client.DeleteAsync(id, user: "user-1");   // Deleted; a second delete is NotFound
/// </code>
/// </example>
public sealed class ConversationServiceStub : IDisposable, IAsyncDisposable
{
    private const string OpenAIKey = "sk-stub-openai";
    private const string DifyKey = "app-stub-dify";
    private const string IsolationHeader = "x-ms-user-isolation-key";

    private readonly ServiceRules _rules;
    private readonly object _lock = new();
    private readonly Queue<ScriptedFault> _faults = new();
    private readonly List<(string Id, string? User, string? ClientRequestId)> _deletes = [];

    // Canceled by Dispose: scripted delays and injected latency end, and the requests still in flight are aborted, so
    // that stopping does not wait for them (the server would wait up to its shutdown timeout, 30 seconds). Not disposed:
    // it has no timer, and a request that reaches the stub after the cancel is aborted by its registration at once.
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private ConversationServiceStub(ConversationServiceKind kind, TimeProvider timeProvider)
    {
        Kind = kind;
        _rules = new ServiceRules(new ServiceState(new ServiceSettings(OpenAIKey, DifyKey, IsolationHeader, OpenAIPublicListing: false, timeProvider, kind)));
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            // Loopback only, on a port the system picks when it binds (WireMock.Net's Port = 0 listens on every interface).
            Urls = ["http://127.0.0.1:0"],
            StartAdminInterface = false,
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(InterceptAsync),
        });
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/(openai/)?v1(/.*)?$")))
            .AtPriority(int.MaxValue)
            .WithTitle($"ConversationClient.Testing: {kind}")
            .RespondWith(Response.Create().WithCallback(AnswerAsync));
        var root = new Uri(Server.Url! + "/");
        BaseAddress = kind == ConversationServiceKind.AzureAIFoundry ? Preset.ToBaseAddress(root) : new Uri(root, "v1");
    }

    /// <summary>Gets the service this stub behaves like.</summary>
    public ConversationServiceKind Kind { get; }

    private ConversationServicePreset Preset => Kind switch
    {
        ConversationServiceKind.AzureAIFoundry => ConversationServicePreset.AzureAIFoundry,
        ConversationServiceKind.Dify => ConversationServicePreset.Dify,
        _ => ConversationServicePreset.OpenAI,
    };

    /// <summary>Gets the underlying WireMock.Net server, for stubs and journal checks of your own.</summary>
    public WireMockServer Server { get; }

    /// <summary>Gets the base address a client uses (<c>…/v1</c>, or <c>…/openai/v1</c> for Azure AI Foundry).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the key the stub accepts; any other key is answered 401 in the service's envelope.</summary>
    public string ApiKey => Kind == ConversationServiceKind.Dify ? DifyKey : OpenAIKey;

    /// <summary>Gets the conversation deletes received so far, oldest first, each with its number of attempts (item deletes are counted in <see cref="ServiceCounters.ItemsDeleted"/>, not listed here).</summary>
    public IReadOnlyList<ReceivedDelete> Deletes
    {
        get
        {
            lock (_lock)
            {
                return _deletes
                    .Select((d, index) => (d, key: d.ClientRequestId ?? "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                    .GroupBy(x => x.key, StringComparer.Ordinal)
                    .Select(g => new ReceivedDelete(g.First().d.Id, g.First().d.User, g.Count()))
                    .ToList();
            }
        }
    }

    /// <summary>Starts a stub of one service on a free loopback port.</summary>
    /// <param name="kind">The service to behave like.</param>
    /// <returns>The running stub; dispose it to stop it.</returns>
    public static ConversationServiceStub Start(ConversationServiceKind kind) => Start(kind, TimeProvider.System);

    /// <summary>Starts a stub of one service on a free loopback port, on a clock of your own (a fake clock in tests).</summary>
    /// <param name="kind">The service to behave like.</param>
    /// <param name="timeProvider">The clock of the conversations' timestamps and of the rate limit (<see cref="LimitDeleteRate"/>).</param>
    /// <returns>The running stub; dispose it to stop it.</returns>
    public static ConversationServiceStub Start(ConversationServiceKind kind, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Enum.IsDefined(kind) ? new ConversationServiceStub(kind, timeProvider) : throw new ArgumentOutOfRangeException(nameof(kind));
    }

    /// <summary>Returns new client options for this stub: dialect, base address, key (and key header for Azure AI Foundry).</summary>
    /// <returns>Options ready for <c>ConversationClientFactory.Create</c> or <c>AddConversationClient</c>; change them freely.</returns>
    public ConversationClientOptions CreateClientOptions() => Preset.CreateOptions(ApiKey, BaseAddress);

    /// <summary>Adds a conversation, as the service would create it.</summary>
    /// <param name="user">The end user (Dify) or isolation key (OpenAI dialect) it belongs to; null for none (not allowed for Dify).</param>
    /// <returns>Its id.</returns>
    /// <exception cref="ArgumentException">Dify and <paramref name="user"/> is null or empty.</exception>
    public string AddConversation(string? user = null) => AddConversations(1, user)[0];

    /// <summary>Adds conversations, oldest first.</summary>
    /// <param name="count">How many.</param>
    /// <param name="user">The end user (Dify) or isolation key (OpenAI dialect) they belong to; null for none (not allowed for Dify).</param>
    /// <returns>Their ids, oldest first.</returns>
    /// <exception cref="ArgumentException">Dify and <paramref name="user"/> is null or empty, or <paramref name="count"/> is negative.</exception>
    public IReadOnlyList<string> AddConversations(int count, string? user = null) => AddConversationsWithItems(count, 0, user);

    /// <summary>
    /// Adds conversations, oldest first, each with <paramref name="itemsEach"/> items: in the OpenAI dialect message items
    /// (<c>msg_…</c>, user and assistant in turn), in Dify messages (a query and its answer each).
    /// </summary>
    /// <param name="count">How many conversations.</param>
    /// <param name="itemsEach">How many items or messages each conversation holds.</param>
    /// <param name="user">The end user (Dify) or isolation key (OpenAI dialect) they belong to; null for none (not allowed for Dify).</param>
    /// <returns>Their ids, oldest first.</returns>
    /// <exception cref="ArgumentException">Dify and <paramref name="user"/> is null or empty, or a count is negative.</exception>
    public IReadOnlyList<string> AddConversationsWithItems(int count, int itemsEach, string? user = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(itemsEach);
        if (Kind == ConversationServiceKind.Dify)
        {
            ArgumentException.ThrowIfNullOrEmpty(user);
            return _rules.State.SeedDify(count, user, null, itemsEach);
        }

        return _rules.State.SeedOpenAI(count, ScopeOf(user), items: itemsEach);
    }

    /// <summary>
    /// Adds items to a conversation that exists: message items in the OpenAI dialect (user and assistant in turn), messages
    /// in Dify (a query and its answer each).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="count">How many items or messages.</param>
    /// <param name="user">The end user (Dify) or isolation key (OpenAI dialect) the conversation belongs to; null for none.</param>
    /// <returns>The new items' ids, oldest first.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="conversationId"/> names no conversation of <paramref name="user"/>, or <paramref name="count"/> is negative.
    /// </exception>
    public IReadOnlyList<string> AddItems(string conversationId, int count, string? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = Kind == ConversationServiceKind.Dify
            ? _rules.State.SeedDifyMessages(conversationId, ServiceRules.UserOrDefault(user), count)
            : _rules.State.SeedOpenAIItems(conversationId, ScopeOf(user), count);
        return ids ?? throw new ArgumentException("No conversation with this id exists for this user.", nameof(conversationId));
    }

    /// <summary>
    /// Counts the items (OpenAI dialect) or messages (Dify) stored for a conversation. In the OpenAI dialect a deleted
    /// conversation's items stay stored, as OpenAI keeps them ("Items in the conversation will not be deleted"), and are
    /// still counted here although the API no longer reaches them; Dify deletes a conversation's messages with it.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="user">The end user (Dify) or isolation key (OpenAI dialect) it belongs to; null for none.</param>
    /// <returns>How many are stored; 0 for a conversation this user never had (or a deleted Dify conversation).</returns>
    /// <exception cref="ArgumentException"><paramref name="conversationId"/> is null or empty.</exception>
    public int CountItems(string conversationId, string? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return (Kind == ConversationServiceKind.Dify
            ? _rules.State.Dify.CountMessages(conversationId, ServiceRules.UserOrDefault(user))
            : _rules.State.OpenAI.CountItems(conversationId, ScopeOf(user))) ?? 0;
    }

    /// <summary>
    /// Counts the items left stored by deleted conversations of a user (isolation key), which the API can no longer list
    /// or delete: an erasure that deletes conversations without their items first leaves them here. Always 0 for Dify,
    /// which deletes a conversation's messages with it.
    /// </summary>
    /// <param name="user">The isolation key (OpenAI dialect); null for none.</param>
    /// <returns>How many items of deleted conversations are stored.</returns>
    public int CountOrphanedItems(string? user = null) =>
        Kind == ConversationServiceKind.Dify ? 0 : _rules.State.OpenAI.CountOrphanedItems(ScopeOf(user));

    /// <summary>
    /// Adds stored responses (the Responses API's <c>store: true</c>, <c>resp_…</c>) linked to a conversation that exists.
    /// They are objects of their own: a conversation's delete leaves them stored. Azure AI Foundry lists them per
    /// conversation (<c>GET /openai/v1/responses?conversation_id=</c>); OpenAI's public API has no such list.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="count">How many responses.</param>
    /// <param name="user">The isolation key the conversation belongs to; null for none.</param>
    /// <returns>The new responses' ids, oldest first.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversationId"/> names no conversation of <paramref name="user"/>, or <paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The stub is Dify's, which has no stored responses.</exception>
    public IReadOnlyList<string> AddResponses(string conversationId, int count, string? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Kind == ConversationServiceKind.Dify)
        {
            throw new InvalidOperationException("Dify has no stored responses.");
        }

        return _rules.State.SeedOpenAIResponses(conversationId, ScopeOf(user), count)
            ?? throw new ArgumentException("No conversation with this id exists for this user.", nameof(conversationId));
    }

    /// <summary>Counts the stored responses linked to a conversation, whether the conversation is live or deleted; always 0 for Dify.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="user">The isolation key it belongs to; null for none.</param>
    /// <returns>How many are stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversationId"/> is null or empty.</exception>
    public int CountResponses(string conversationId, string? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return Kind == ConversationServiceKind.Dify ? 0 : _rules.State.OpenAI.CountResponses(conversationId, ScopeOf(user));
    }

    /// <summary>
    /// Counts the stored responses of a user (isolation key) whose conversations are deleted: an erasure that does not
    /// delete them first (on OpenAI's public API, which cannot list them, or with the item step off) leaves them here.
    /// </summary>
    /// <param name="user">The isolation key; null for none.</param>
    /// <returns>How many responses of deleted conversations are stored.</returns>
    public int CountOrphanedResponses(string? user = null) =>
        Kind == ConversationServiceKind.Dify ? 0 : _rules.State.OpenAI.CountOrphanedResponses(ScopeOf(user));

    /// <summary>Gets whether a conversation still exists for a user (Dify) or isolation key (OpenAI dialect).</summary>
    /// <param name="conversationId">The id.</param>
    /// <param name="user">The user or isolation key; null for none.</param>
    /// <returns>True when it exists and belongs to <paramref name="user"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversationId"/> is null or empty.</exception>
    public bool ConversationExists(string conversationId, string? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return Kind == ConversationServiceKind.Dify
            ? _rules.State.Dify.Exists(conversationId, ServiceRules.UserOrDefault(user))
            : _rules.State.OpenAI.Get(conversationId, ScopeOf(user)) is not null;
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests with <paramref name="statusCode"/> in the service's envelope,
    /// before the key check; each counts in <see cref="ServiceCounters.Requests"/> and <see cref="ServiceCounters.FaultsInjected"/>.
    /// </summary>
    /// <param name="count">How many requests.</param>
    /// <param name="statusCode">The status, 400 to 599.</param>
    public void FailNext(int count, int statusCode = 503)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        Script(count, new ScriptedFault(statusCode, null, null, Reset: false));
    }

    /// <summary>Answers the next <paramref name="count"/> requests 429 with <c>Retry-After</c>, as <see cref="FailNext"/> answers them.</summary>
    /// <param name="retryAfter">The wait asked for (sent in whole seconds, rounded up, and as <c>retry-after-ms</c>).</param>
    /// <param name="count">How many requests.</param>
    public void ThrottleNext(TimeSpan retryAfter, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Script(count, new ScriptedFault(429, retryAfter, null, Reset: false));
    }

    /// <summary>
    /// Limits the rate of DELETE requests like the service's rate limit: a token bucket that allows
    /// <paramref name="deletesPerSecond"/> on average and <paramref name="burst"/> at once (it starts full); a delete beyond
    /// it is answered 429 in the service's envelope with the wait until the next allowed delete in the
    /// <paramref name="waitHeader"/> form. Replaces any earlier limit; scripted faults come first and take no token.
    /// </summary>
    /// <param name="deletesPerSecond">The allowed rate, up to 1,000,000; 0 removes the limit.</param>
    /// <param name="burst">How many deletes may go at once after a quiet spell; null for one second's worth (the rate rounded up, at least 1).</param>
    /// <param name="waitHeader">The header a refusal says its wait in (of deletes and reads alike).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <remarks>A read limit (<see cref="LimitReadRate"/>) stays as it is, its bucket full again.</remarks>
    public void LimitDeleteRate(double deletesPerSecond, int? burst = null, RateLimitWaitHeader waitHeader = RateLimitWaitHeader.Seconds)
    {
        CheckLimit(deletesPerSecond, nameof(deletesPerSecond), burst, nameof(burst), waitHeader);
        var limit = _rules.State.RateLimit.Options;
        limit.DeletesPerSecond = deletesPerSecond;
        limit.Burst = burst;
        limit.WaitHeader = waitHeader;
        _rules.State.RateLimit.Configure(limit);
    }

    /// <summary>
    /// Limits the rate of GET requests (reads: conversation list pages, item and message pages, a conversation) like the
    /// service's rate limit: a token bucket of its own that allows <paramref name="readsPerSecond"/> on average and
    /// <paramref name="burst"/> at once (it starts full); a read beyond it is answered 429 in the service's envelope with
    /// the wait until the next allowed read in the <paramref name="waitHeader"/> form. Replaces any earlier read limit;
    /// scripted faults come first and take no token.
    /// </summary>
    /// <param name="readsPerSecond">The allowed rate, up to 1,000,000; 0 removes the limit.</param>
    /// <param name="burst">How many reads may go at once after a quiet spell; null for one second's worth (the rate rounded up, at least 1).</param>
    /// <param name="waitHeader">The header a refusal says its wait in (of deletes and reads alike).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <remarks>A delete limit (<see cref="LimitDeleteRate"/>) stays as it is, its bucket full again.</remarks>
    public void LimitReadRate(double readsPerSecond, int? burst = null, RateLimitWaitHeader waitHeader = RateLimitWaitHeader.Seconds)
    {
        CheckLimit(readsPerSecond, nameof(readsPerSecond), burst, nameof(burst), waitHeader);
        var limit = _rules.State.RateLimit.Options;
        limit.ReadsPerSecond = readsPerSecond;
        limit.ReadBurst = burst;
        limit.WaitHeader = waitHeader;
        _rules.State.RateLimit.Configure(limit);
    }

    private static void CheckLimit(double perSecond, string perSecondName, int? burst, string burstName, RateLimitWaitHeader waitHeader)
    {
        if (double.IsNaN(perSecond) || perSecond is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(perSecondName, perSecond, "The rate must be between 0 and 1000000.");
        }

        if (burst is < 1)
        {
            throw new ArgumentOutOfRangeException(burstName, burst, "The burst must be 1 or more.");
        }

        if (!Enum.IsDefined(waitHeader))
        {
            throw new ArgumentOutOfRangeException(nameof(waitHeader));
        }
    }

    /// <summary>
    /// Replaces the faults injected after the key check and the rate limit (a share of failures or 429s, latency); the
    /// count of <see cref="ServiceFaultOptions.FailFirst"/> starts again. Scripted faults (<see cref="FailNext"/> and the
    /// others) come first.
    /// </summary>
    /// <param name="faults">The new faults (copied); <c>new ServiceFaultOptions()</c> injects none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="faults"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void SetFaults(ServiceFaultOptions faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        _rules.State.Faults.Configure(faults);
    }

    /// <summary>Returns a snapshot of the counters: requests, deletes, refusals and faults answered so far.</summary>
    /// <returns>What has been answered since the stub started.</returns>
    public ServiceCounters GetCounters() => _rules.State.Counters.Snapshot();

    /// <summary>
    /// Resets the connection (TCP RST, no answer) of the next <paramref name="count"/> requests; each counts in
    /// <see cref="ServiceCounters.Requests"/> and <see cref="ServiceCounters.FaultsInjected"/>.
    /// </summary>
    /// <param name="count">How many requests.</param>
    public void ResetNext(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Script(count, new ScriptedFault(null, null, null, Reset: true));
    }

    /// <summary>Holds the answer to the next <paramref name="count"/> requests back for <paramref name="delay"/> (disposing the stub ends the wait).</summary>
    /// <param name="delay">How long, up to 1 day.</param>
    /// <param name="count">How many requests.</param>
    public void DelayNext(TimeSpan delay, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, TimeSpan.FromDays(1));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Script(count, new ScriptedFault(null, null, delay, Reset: false));
    }

    /// <summary>Stops the server; requests still in flight (held back by <see cref="DelayNext"/> or latency) are aborted, not waited for.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        Server.Stop();
    }

    /// <summary>Stops the server, as <see cref="Dispose"/> does.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Script(int count, ScriptedFault fault)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    private ScriptedFault? TakeFault(bool reset)
    {
        lock (_lock)
        {
            return _faults.TryPeek(out var next) && next.Reset == reset ? _faults.Dequeue() : null;
        }
    }

    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? string.Empty;
        var path = rawTarget.Split('?', 2)[0];
        if (HttpMethods.IsDelete(request.Method) && ConversationIdOf(path) is { } id)
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
            var user = Kind == ConversationServiceKind.Dify ? DifyUser(body) : request.Headers[IsolationHeader].FirstOrDefault();
            lock (_lock)
            {
                _deletes.Add((id, string.IsNullOrEmpty(user) ? null : user, request.Headers["x-ms-client-request-id"].FirstOrDefault()));
            }
        }

        if (TakeFault(reset: true) is not null)
        {
            CountScriptedFault();
            context.Abort();
            return;
        }

        using (_stopping.Token.Register(context.Abort))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage message)
    {
        var request = new ServiceRequest(
            message.Method,
            new Uri(message.Url).AbsolutePath,
            (message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase),
            (message.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
                .ToDictionary(q => q.Key, q => string.Join(",", q.Value), StringComparer.Ordinal),
            message.Body ?? string.Empty);

        ServiceAnswer answer;
        var stopping = _stopping.Token;
        var fault = TakeFault(reset: false);
        if (fault?.Delay is { } delay)
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
        }

        if (fault?.Status is { } status)
        {
            CountScriptedFault();
            answer = Responses.Fault(Kind == ConversationServiceKind.Dify, status, fault.RetryAfter)
                .WithHeader("x-request-id", "req_" + Guid.NewGuid().ToString("N"));
        }
        else
        {
            answer = await _rules.AnswerAsync(request, stopping).ConfigureAwait(false);
        }

        var response = new ResponseMessage
        {
            StatusCode = answer.Status,
            Headers = answer.Headers.ToDictionary(h => h.Key, h => new WireMock.Types.WireMockList<string>(h.Value)),
        };
        if (answer.Body.Length > 0)
        {
            response.BodyData = new BodyData
            {
                DetectedBodyType = WireMock.Types.BodyType.Bytes,
                BodyAsBytes = answer.Body,
            };
        }

        return response;
    }

    private void CountScriptedFault()
    {
        _rules.State.Counters.Request(Kind == ConversationServiceKind.Dify);
        _rules.State.Counters.Fault();
    }

    private static string? ScopeOf(string? user) => string.IsNullOrEmpty(user) ? null : user;

    private static string? ConversationIdOf(string path)
    {
        var rest = path.StartsWith("/openai/v1/", StringComparison.OrdinalIgnoreCase) ? path["/openai/v1".Length..]
            : path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) ? path["/v1".Length..]
            : null;
        return rest is not null && ServiceRules.TryConversationId(rest, out var id) ? id : null;
    }

    private static string? DifyUser(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ScriptedFault(int? Status, TimeSpan? RetryAfter, TimeSpan? Delay, bool Reset);
}
