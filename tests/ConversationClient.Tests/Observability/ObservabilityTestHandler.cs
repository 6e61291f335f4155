using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ConversationClient.Tests.Observability;

/// <summary>A scripted primary handler: each request takes the next step (a response or an exception) and is remembered.</summary>
internal sealed class ObservabilityTestHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _steps = new();

    /// <summary>The Authorization header value of every request, as it was sent.</summary>
    public ConcurrentQueue<string?> SentAuthorization { get; } = new();

    /// <summary>The body of every request, as it was sent.</summary>
    public ConcurrentQueue<string> SentBodies { get; } = new();

    public ObservabilityTestHandler Respond(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null)
    {
        _steps.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent(json ?? string.Empty, Encoding.UTF8, "application/json"),
            };
            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public ObservabilityTestHandler Throw(Exception exception)
    {
        _steps.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    /// <summary>A step that calls <paramref name="arrived"/> (to cancel the call, say), then waits until the request is cancelled.</summary>
    public ObservabilityTestHandler Hang(Action arrived)
    {
        _steps.Enqueue(async (_, cancellationToken) =>
        {
            arrived();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SentAuthorization.Enqueue(request.Headers.Authorization?.ToString());
        SentBodies.Enqueue(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken));
        if (!_steps.TryDequeue(out var step))
        {
            throw new InvalidOperationException("The test script has no step left for " + request.RequestUri);
        }

        return await step(request, cancellationToken);
    }
}
