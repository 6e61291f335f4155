using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConversationClient.Tests.TestSupport;

/// <summary>
/// A real HTTP server on 127.0.0.1 (an <see cref="HttpListener"/> on a free port) for tests that need a real
/// socket handler: it records each request's headers and answers with <c>respond</c>.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Action<HttpListenerRequest, HttpListenerResponse> _respond;
    private readonly Task _loop;

    public LoopbackServer(Action<HttpListenerRequest, HttpListenerResponse> respond)
    {
        _respond = respond;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/v1/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>The headers of each request received, in order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in context.Request.Headers.AllKeys)
            {
                headers[name!] = context.Request.Headers[name] ?? "";
            }

            Requests.Enqueue(headers);
            _respond(context.Request, context.Response);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
