using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Benchmarks;

/// <summary>
/// A minimal Kestrel server on 127.0.0.1 (any free port) that answers deletes with the services' real bodies:
/// OpenAI at <c>/v1</c>, Dify at <c>/dify/v1</c>. Ids starting with <c>missing</c> get each dialect's 404 envelope;
/// ids starting with <c>flaky</c> get 503 and 200 (or 204) in turn, per id.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private static readonly byte[] OpenAINotFound =
        """{"error":{"message":"Conversation with id 'missing' not found.","type":"invalid_request_error","param":null,"code":"not_found"}}"""u8.ToArray();

    private static readonly byte[] DifyNotFound = """{"code":"not_found","message":"Conversation Not Exists.","status":404}"""u8.ToArray();

    private static readonly byte[] Unavailable =
        """{"error":{"message":"The server is overloaded.","type":"server_error","param":null,"code":"service_unavailable"}}"""u8.ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _flakyCalls = new(StringComparer.Ordinal);

    private LoopbackServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; }

    public Uri OpenAIBase => new(Address, "v1/");

    public Uri DifyBase => new(Address, "dify/v1/");

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackServer? server = null;

        app.MapDelete("/v1/conversations/{id}", (string id, HttpContext context) =>
        {
            if (id.StartsWith("missing", StringComparison.Ordinal))
            {
                return WriteAsync(context, 404, OpenAINotFound);
            }

            if (id.StartsWith("flaky", StringComparison.Ordinal) && server!.NextFails(id))
            {
                return WriteAsync(context, 503, Unavailable);
            }

            return WriteAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(
                $$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}"""));
        });

        app.MapDelete("/dify/v1/conversations/{id}", async (string id, HttpContext context) =>
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

            if (id.StartsWith("flaky", StringComparison.Ordinal) && server!.NextFails(id))
            {
                await WriteAsync(context, 503, Unavailable);
                return;
            }

            context.Response.StatusCode = 204;
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LoopbackServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return server;
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
