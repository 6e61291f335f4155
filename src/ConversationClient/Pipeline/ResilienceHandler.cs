using ConversationClient.Http;
using ConversationClient.Internal;
using Polly;

namespace ConversationClient.Pipeline;

/// <summary>
/// Runs a call's HTTP attempts through the client's <see cref="ConversationPipeline"/> (a batch's call through the paced one). Each attempt sends (through
/// <see cref="HeadersHandler"/> and the handlers users add), reads the body inside the attempt, so a body that breaks
/// off is retried like a reset connection, and judges the answer once (<see cref="Verdict"/>). One
/// <c>x-ms-client-request-id</c> goes with all attempts of a call.
/// </summary>
internal sealed class ResilienceHandler : DelegatingHandler
{
    /// <summary>The header that ties the attempts of one call together for the service.</summary>
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    private readonly ClientSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> _pacedPipeline;

    public ResilienceHandler(ClientSettings settings, TimeProvider timeProvider, Func<double>? random = null)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;
        _pipeline = ConversationPipeline.Create(settings, timeProvider);
        _pacedPipeline = ConversationPipeline.CreatePaced(settings, timeProvider);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = BeginCall(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        call.AttachTo(context);
        try
        {
            var pipeline = call.Pacer is null ? _pipeline : _pacedPipeline;
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static (ctx, args) => args.Handler.AttemptAsync(args.Request, CallState.Of(ctx), ctx.CancellationToken),
                context, (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Not supported: the SDK's API is asynchronous, and a synchronous send would have to block a thread on the token
    /// provider's and the retry delays' asynchronous work, which hangs when the thread pool is starved.
    /// </summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            "The ConversationClient HTTP handler is asynchronous only: use SendAsync (HttpClient.SendAsync); the client's own API is asynchronous.");

    private CallState BeginCall(HttpRequestMessage request)
    {
        // The facade's call state; a request the facade did not make gets its own, on the pipeline's context only
        // (nothing of it is read from such a request: it has no user isolation key, no telemetry).
        var call = CallState.Of(request) ?? new CallState();
        call.RequestUri = request.RequestUri;
        call.StartTimestamp = _timeProvider.GetTimestamp();
        call.Jitter = _random();

        // A request that comes with its own id (one the facade did not make) keeps it, rather than sending two.
        if (!request.Headers.NonValidated.Contains(ClientRequestIdHeader))
        {
            call.ClientRequestId = NewClientRequestId();
            request.Headers.TryAddWithoutValidation(ClientRequestIdHeader, call.ClientRequestId);
        }

        return call;
    }

    /// <summary>
    /// A random (version 4) GUID as text. It only ties attempts together for the service and needs no secure
    /// randomness: Guid.NewGuid asks the OS for secure random bytes on every call, several times the cost here.
    /// </summary>
    internal static string NewClientRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
#pragma warning disable CA5394 // Not a secret: a correlation id.
        Random.Shared.NextBytes(bytes);
#pragma warning restore CA5394
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }

    /// <summary>One attempt: the send, the guard against a followed redirect, the body read, and the verdict.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(HttpRequestMessage request, CallState call, CancellationToken cancellationToken)
    {
        call.Attempts++;
        call.Verdict = null;
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(request.RequestUri, call.RequestUri))
            {
                // A primary handler the SDK could not configure (not a SocketsHttpHandler or HttpClientHandler, or one
                // set after the client was made) followed a redirect: the answer is another host's.
                throw new RedirectFollowedException();
            }

            await ResponseBuffering.BufferAsync(response, ResponseBuffering.MaxSuccessBodyBytesFor(call.Operation), cancellationToken).ConfigureAwait(false);
            call.Verdict = Verdict.Judge(response, call, request, _settings, _timeProvider.GetUtcNow());
            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ServerText.For(_settings.ApiKey, request, call.User).Clean(ex));
        }
    }
}
