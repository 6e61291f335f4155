using System.Collections.Concurrent;
using ConversationClient.Testing.Services;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The services' delete answers at the least server cost, on the shared <see cref="LoopbackHost"/> (Kestrel on
/// 127.0.0.1, any free port): OpenAI at <c>/v1</c>, Dify at <c>/dify/v1</c>, each with the service's real body. Ids
/// starting with <c>missing</c> get each dialect's 404 envelope; ids starting with <c>flaky</c> get 503 and 200 (or 204)
/// in turn, per id. Not the emulator's rules on purpose: every id is deletable again and again, so that a benchmark
/// measures the clients, not a store.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private static readonly byte[] OpenAINotFound =
        """{"error":{"message":"Conversation with id 'missing' not found.","type":"invalid_request_error","param":null,"code":"not_found"}}"""u8.ToArray();

    private const string OpenAIPrefix = "/v1/conversations/";
    private const string DifyPrefix = "/dify/v1/conversations/";

    private static readonly byte[] DifyNotFound = """{"code":"not_found","message":"Conversation Not Exists.","status":404}"""u8.ToArray();

    private static readonly byte[] Unavailable =
        """{"error":{"message":"The server is overloaded.","type":"server_error","param":null,"code":"service_unavailable"}}"""u8.ToArray();

    private readonly ConcurrentDictionary<string, int> _flakyCalls = new(StringComparer.Ordinal);
    private LoopbackHost _host = null!;

    private LoopbackServer()
    {
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address => _host.BaseAddress;

    public Uri OpenAIBase => new(Address, "v1/");

    public Uri DifyBase => new(Address, "dify/v1/");

    public static async Task<LoopbackServer> StartAsync()
    {
        var server = new LoopbackServer();
        server._host = await LoopbackHost.StartAsync(server.AnswerAsync);
        return server;
    }

    private Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!HttpMethods.IsDelete(context.Request.Method))
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        if (path.StartsWith(OpenAIPrefix, StringComparison.Ordinal) && path.Length > OpenAIPrefix.Length)
        {
            return AnswerOpenAI(context, path[OpenAIPrefix.Length..]);
        }

        if (path.StartsWith(DifyPrefix, StringComparison.Ordinal) && path.Length > DifyPrefix.Length)
        {
            return AnswerDifyAsync(context, path[DifyPrefix.Length..]);
        }

        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    private Task AnswerOpenAI(HttpContext context, string id)
    {
        if (id.StartsWith("missing", StringComparison.Ordinal))
        {
            return WriteAsync(context, 404, OpenAINotFound);
        }

        if (id.StartsWith("flaky", StringComparison.Ordinal) && NextFails(id))
        {
            return WriteAsync(context, 503, Unavailable);
        }

        return WriteAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(
            $$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}"""));
    }

    private async Task AnswerDifyAsync(HttpContext context, string id)
    {
        // Dify reads the JSON body with the user; so does this server, so both clients pay for sending it.
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (!body.Contains("\"user\"", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (id.StartsWith("missing", StringComparison.Ordinal))
        {
            await WriteAsync(context, 404, DifyNotFound);
            return;
        }

        if (id.StartsWith("flaky", StringComparison.Ordinal) && NextFails(id))
        {
            await WriteAsync(context, 503, Unavailable);
            return;
        }

        context.Response.StatusCode = 204;
    }

    /// <summary>Whether this call for <paramref name="id"/> fails: the first, third, ... do.</summary>
    private bool NextFails(string id) => _flakyCalls.AddOrUpdate(id, 1, static (_, n) => n + 1) % 2 == 1;

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
