using System.Net;

namespace ConversationClient.Tests.TestSupport;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers each request from a function of the request (a route table in a
/// test), and records what it saw. No network, no state of its own.
/// </summary>
internal sealed class RoutedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<HttpRequestMessage> _requests = [];

    /// <summary>The requests seen, in order (their headers as sent; bodies are not kept).</summary>
    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The paths and queries seen, in order, as <c>GET /v1/...?...</c>.</summary>
    public IReadOnlyList<string> Calls => [.. Requests.Select(r => $"{r.Method} {r.RequestUri!.PathAndQuery}")];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }

        var response = answer(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }

    /// <summary>A JSON answer.</summary>
    public static HttpResponseMessage Json(HttpStatusCode status, string json) => Responses.Make(status, json);
}
