using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Cli.Tests;

/// <summary>
/// An OpenAI-dialect conversation service on loopback (delete, list, get, and item lists that are always empty) that
/// holds every delete in flight until <see cref="Release"/>, so a test knows which deletes are in flight when it presses
/// Ctrl+C. Like a real service, it deletes a conversation whose request the client gave up on: the case a receipt must
/// not lose. With <see cref="KeepOnDelete"/> it answers deletes as done and keeps the conversations (what an erasure's
/// verification must catch).
/// </summary>
internal sealed class HeldDeletesService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _store;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly ConcurrentQueue<string> _received = new();
    private int _listings;

    private HeldDeletesService(WebApplication app, int conversations)
    {
        _app = app;
        _store = [.. Enumerable.Range(0, conversations).Select(i => $"conv_{i:D4}{Guid.NewGuid():N}")];
        Conversations = [.. _store];
    }

    /// <summary>The conversations it started with, in listing order.</summary>
    public IReadOnlyList<string> Conversations { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The ids of the deletes received, in order of arrival.</summary>
    public IReadOnlyCollection<string> Received => [.. _received];

    /// <summary>How many list requests are answered before every later one fails with a 500; null: none fails.</summary>
    public int? ListingsBeforeFailure { get; set; }

    /// <summary>Whether a GET of one conversation (an erasure's verification) fails with a 500.</summary>
    public bool FailGets { get; set; }

    /// <summary>Whether a delete is answered as done while the conversation is kept.</summary>
    public bool KeepOnDelete { get; set; }

    /// <summary>How many list requests were received.</summary>
    public int Listings => Volatile.Read(ref _listings);

    public int Remaining
    {
        get
        {
            lock (_store)
            {
                return _store.Count;
            }
        }
    }

    /// <param name="conversations">How many conversations it starts with.</param>
    /// <param name="apiPath">The API's path: <c>/v1</c> (OpenAI), or <c>/openai/v1</c> for an Azure endpoint that does not serve the list of stored responses (its address answers 404).</param>
    public static async Task<HeldDeletesService> StartAsync(int conversations, string apiPath = "/v1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var service = new HeldDeletesService(app, conversations);
        app.MapDelete(apiPath + "/conversations/{id}", service.DeleteAsync);
        app.MapGet(apiPath + "/conversations", service.List);
        app.MapGet(apiPath + "/conversations/{id}", service.Get);
        app.MapGet(apiPath + "/conversations/{id}/items", service.ListItems);
        await app.StartAsync();
        BaseAddressOf(app, service, apiPath);
        return service;
    }

    /// <summary>Waits until <paramref name="count"/> more deletes have arrived (and are held).</summary>
    public async Task WaitForDeletesAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await _arrived.WaitAsync(TimeSpan.FromSeconds(20)))
            {
                throw new TimeoutException($"Only {i} of {count} deletes arrived.");
            }
        }
    }

    /// <summary>Answers the deletes held and every later one at once.</summary>
    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private static void BaseAddressOf(WebApplication app, HeldDeletesService service, string apiPath)
    {
        var address = new Uri(app.Urls.Single());
        service.BaseAddress = new Uri($"http://127.0.0.1:{address.Port}{apiPath}/");
    }

    private async Task<IResult> DeleteAsync(string id, HttpContext context)
    {
        _received.Enqueue(id);
        _arrived.Release();
        try
        {
            await _released.Task.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up on the request; the service goes on and deletes the conversation all the same.
        }

        bool existed;
        lock (_store)
        {
            existed = KeepOnDelete ? _store.Contains(id) : _store.Remove(id);
        }

        return existed
            ? Results.Text($$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}""", "application/json")
            : Results.Text("""{"error":{"message":"Conversation not found.","type":"invalid_request_error","code":"not_found"}}""", "application/json", statusCode: 404);
    }

    private IResult Get(string id) => FailGets
        ? Results.Text("""{"error":{"message":"The service is down.","type":"server_error","code":"server_error"}}""", "application/json", statusCode: 500)
        : Exists(id)
        ? Results.Text($$"""{"id":"{{id}}","object":"conversation","created_at":1760000000,"metadata":{} }""", "application/json")
        : NotFound();

    private IResult ListItems(string id) => Exists(id)
        ? Results.Text("""{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}""", "application/json")
        : NotFound();

    private bool Exists(string id)
    {
        lock (_store)
        {
            return _store.Contains(id);
        }
    }

    private static IResult NotFound() =>
        Results.Text("""{"error":{"message":"Conversation not found.","type":"invalid_request_error","code":"not_found"}}""", "application/json", statusCode: 404);

    private IResult List(HttpContext context)
    {
        if (Interlocked.Increment(ref _listings) > ListingsBeforeFailure)
        {
            return Results.Text("""{"error":{"message":"The listing is down.","type":"server_error","code":"server_error"}}""", "application/json", statusCode: 500);
        }

        var limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        var after = context.Request.Query["after"].FirstOrDefault();
        string[] page;
        bool more;
        lock (_store)
        {
            var start = after is null ? 0 : _store.IndexOf(after) + 1;
            page = [.. _store.Skip(start).Take(limit)];
            more = start + page.Length < _store.Count;
        }

        var data = string.Join(",", page.Select(id => $$"""{"id":"{{id}}","object":"conversation","created_at":1760000000,"metadata":{} }"""));
        var last = page.Length > 0 ? $"\"{page[^1]}\"" : "null";
        var hasMore = more ? "true" : "false";
        return Results.Text($$"""{"object":"list","data":[{{data}}],"has_more":{{hasMore}},"last_id":{{last}} }""", "application/json");
    }
}
