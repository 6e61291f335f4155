using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConversationClient.IntegrationTests;

/// <summary>The transport faults a <see cref="RawFaultHost"/> serves.</summary>
public enum RawFault
{
    /// <summary>Closes the connection as soon as it is accepted, without reading the request or answering.</summary>
    CloseWithoutAnswer,

    /// <summary>Reads the request, writes random bytes (no HTTP status line) and closes.</summary>
    RandomBytesThenClose,

    /// <summary>Reads the request, sends a 200 with a chunked body that breaks off mid-chunk, and closes.</summary>
    BrokenChunkedBody,

    /// <summary>Reads the request and closes cleanly without a single byte of answer.</summary>
    EmptyResponse,
}

/// <summary>
/// A minimal HTTP/1.1 server on a raw <see cref="TcpListener"/>, for the faults that need control of the socket and that
/// WireMock.Net cannot serve (its <c>EMPTY_RESPONSE</c> and <c>MALFORMED_RESPONSE_CHUNK</c> reach HttpClient as a
/// 200): the first requests get the scripted faults, every later one gets the scripted answer. Each answer closes its
/// connection, so every request arrives on a new connection; SocketsHttpHandler resends a request by itself only on a
/// reused connection, so the count of requests here is the count of attempts the SDK made.
/// </summary>
public sealed class RawFaultHost : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<RawFault> _faults;
    private readonly string _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<RawRequest> _requests = new();
    private int _connections;

    /// <param name="answer">The whole HTTP answer given once the faults are spent (status line, headers, blank line, body).</param>
    /// <param name="faults">The faults served to the first connections, in order.</param>
    public RawFaultHost(string answer, params RawFault[] faults)
    {
        _answer = answer;
        _faults = new ConcurrentQueue<RawFault>(faults);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
        _loop = AcceptAsync();
    }

    /// <summary>Gets the root address, ending with a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets how many connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets the requests read, oldest first (a <see cref="RawFault.CloseWithoutAnswer"/> connection reads none).</summary>
    public IReadOnlyList<RawRequest> Requests => [.. _requests];

    /// <summary>A 200 with a JSON body and <c>Connection: close</c>.</summary>
    public static string Json(int status, string reason, string body, string? requestId = null) =>
        $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\nContent-Type: application/json\r\n"
        + (requestId is null ? string.Empty : $"x-request-id: {requestId}\r\n")
        + $"Content-Length: {Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>A 204 with <c>Connection: close</c>.</summary>
    public const string NoContent = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var fault = _faults.TryDequeue(out var f) ? f : (RawFault?)null;
                if (fault == RawFault.CloseWithoutAnswer)
                {
                    return;
                }

                _requests.Enqueue(await ReadRequestAsync(stream));
                switch (fault)
                {
                    case RawFault.RandomBytesThenClose:
                        // Random bytes stand in for a broken peer; nothing secret.
#pragma warning disable CA5394
                        var garbage = new byte[64];
                        Random.Shared.NextBytes(garbage);
#pragma warning restore CA5394
                        await stream.WriteAsync(garbage, _stop.Token);
                        break;
                    case RawFault.BrokenChunkedBody:
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{\"id\":\"conv_"), _stop.Token);
                        break;
                    case RawFault.EmptyResponse:
                        client.Client.Shutdown(SocketShutdown.Send);
                        break;
                    default:
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(_answer), _stop.Token);
                        break;
                }

                await stream.FlushAsync(_stop.Token);
            }
            catch (IOException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<RawRequest> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one) == 1)
        {
            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = string.Empty;
        if (headers.TryGetValue("Content-Length", out var length) && int.Parse(length, CultureInfo.InvariantCulture) is > 0 and var count)
        {
            var bytes = new byte[count];
            await stream.ReadExactlyAsync(bytes);
            body = Encoding.UTF8.GetString(bytes);
        }

        return new RawRequest(parts[0], parts[1], headers, body);
    }

    private static bool EndsWithBlankLine(List<byte> buffer) =>
        buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n';
}

/// <summary>A request as <see cref="RawFaultHost"/> read it.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Gets a header's value, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
