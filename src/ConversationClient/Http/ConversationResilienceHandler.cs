using System.Net;
using ConversationClient.Internal;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ConversationClient.Http;

/// <summary>
/// Runs every HTTP attempt of a call inside one <see cref="ResiliencePipeline{T}"/>: a total timeout around retries
/// around an attempt timeout. Each attempt gets its credential, sends, and reads the body, so a body that breaks off
/// is retried like a reset connection. One <c>x-ms-client-request-id</c> goes with all attempts of a call.
/// </summary>
internal sealed class ConversationResilienceHandler : DelegatingHandler
{
    /// <summary>The header that ties the attempts of one call together for the service.</summary>
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    private const string AuthorizationHeader = "Authorization";

    private static readonly ResiliencePropertyKey<RequestState> StateKey = new("ConversationClient.RequestState");

    private readonly ClientSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ConversationResilienceHandler(ClientSettings settings, TimeProvider timeProvider, Func<double>? random = null)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = settings.TotalTimeout });
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                UseJitter = false,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args)),
                DelayGenerator = static args => new ValueTask<TimeSpan?>(GetState(args.Context).NextDelay),
                // Called only when a retry really follows (the predicate also runs for the last attempt).
                OnRetry = static args =>
                {
                    var state = GetState(args.Context);
                    state.Telemetry?.Retrying(state, args.Outcome.Result, args.Outcome.Exception, args.RetryDelay, state.NextDelayFromServer);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = settings.AttemptTimeout });
        _pipeline = builder.Build();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = BeginCall(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        return ExecuteAsync(context);
    }

    /// <summary>The awaiting part of <see cref="SendAsync"/>, apart so that its state machine holds only the context.</summary>
    private async Task<HttpResponseMessage> ExecuteAsync(ResilienceContext context)
    {
        Outcome<HttpResponseMessage> outcome;
        try
        {
            // The outcome form: no wrapping of the callback's ValueTask into an Outcome, and no exception thrown
            // inside the pipeline and caught again; the failure is rethrown once, here, with its stack.
            // The handler is the only state passed: Polly copies it into each strategy's state machine.
            outcome = await _pipeline.ExecuteOutcomeAsync(
                static (ctx, handler) => handler.AttemptAsync(GetState(ctx), async: true, ctx.CancellationToken),
                context,
                this).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = BeginCall(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        try
        {
            return _pipeline.Execute(
                static (ctx, handler) =>
                {
                    var attempt = handler.AttemptAsync(GetState(ctx), async: false, ctx.CancellationToken);
                    var outcome = attempt.IsCompleted ? attempt.Result : attempt.AsTask().GetAwaiter().GetResult();
                    outcome.ThrowIfException();
                    return outcome.Result!;
                },
                context,
                this);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static RequestState GetState(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);

    private RequestState BeginCall(HttpRequestMessage request)
    {
        var state = (request as ConversationRequestMessage)?.State ?? new RequestState();
        state.Request = request;
        state.Attempts = 0;
        state.StartTimestamp = _timeProvider.GetTimestamp();
        if (request.Headers.NonValidated.TryGetValues(ClientRequestIdHeader, out var existing))
        {
            state.ClientRequestId = existing.ToString();
        }
        else
        {
            state.ClientRequestId = NewClientRequestId();
            request.Headers.TryAddWithoutValidation(ClientRequestIdHeader, state.ClientRequestId);
        }

        if (_settings.BearerHeaderText is { } bearer)
        {
            request.Headers.Remove(AuthorizationHeader);
            request.Headers.TryAddWithoutValidation(AuthorizationHeader, bearer);
        }
        else if (_settings.ApiKeyHeaderName is { } headerName)
        {
            request.Headers.Remove(headerName);
            request.Headers.TryAddWithoutValidation(headerName, _settings.ApiKey);
        }

        return state;
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

    /// <summary>One attempt: its credential, the send, and the body read; a failure is returned as the outcome, not thrown.</summary>
    private ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(RequestState state, bool async, CancellationToken cancellationToken)
    {
        state.Attempts++;
        var request = state.Request!;

        // Without a token provider the attempt's state machine holds only the send and the body read.
        return _settings.AccessTokenProvider is { } provider
            ? AuthorizeAndSendAsync(request, provider, async, cancellationToken)
            : SendAndBufferAsync(request, async, cancellationToken);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> AuthorizeAndSendAsync(HttpRequestMessage request,
        Func<CancellationToken, ValueTask<string>> provider, bool async, CancellationToken cancellationToken)
    {
        try
        {
            string token;
            try
            {
                token = await provider(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new CredentialUnavailableException(ex);
            }

            request.Headers.Authorization = new("Bearer", token);
        }
        catch (Exception ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }

        return await SendAndBufferAsync(request, async, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> SendAndBufferAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = async
                ? await base.SendAsync(request, cancellationToken).ConfigureAwait(false)
                : base.Send(request, cancellationToken);
            await ResponseBuffering.BufferAsync(response, async, cancellationToken).ConfigureAwait(false);
            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            // The pipeline would catch it too; returning it spares a throw and a catch per failed attempt there.
            response?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    private bool ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args)
    {
        TimeSpan? serverDelay = null;
        if (args.Outcome.Exception is { } exception)
        {
            if (!IsTransient(exception))
            {
                return false;
            }
        }
        else
        {
            var response = args.Outcome.Result!;
            if (!IsTransient(response))
            {
                return false;
            }

            if (ServerDelay.TryGet(response, _timeProvider.GetUtcNow(), out var asked))
            {
                serverDelay = asked;
            }
        }

        var state = GetState(args.Context);
        var remaining = _settings.TotalTimeout - _timeProvider.GetElapsedTime(state.StartTimestamp);
        if (serverDelay is { } wait)
        {
            state.Throttled?.Invoke(wait);

            // A wait longer than allowed is not made: the result reports it in RetryAfter instead.
            if (wait > _settings.MaxDelay || wait >= remaining)
            {
                return false;
            }

            state.NextDelay = wait;
            state.NextDelayFromServer = true;
            return true;
        }

        var delay = Backoff(args.AttemptNumber);
        if (args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
        {
            state.Throttled?.Invoke(delay);
        }

        if (delay >= remaining)
        {
            return false;
        }

        state.NextDelay = delay;
        state.NextDelayFromServer = false;
        return true;
    }

    /// <summary>Exponential backoff from <see cref="ClientSettings.BaseDelay"/>, varied by up to 20% either way, capped at <see cref="ClientSettings.MaxDelay"/>.</summary>
    internal TimeSpan Backoff(int retryNumber)
    {
        var nominal = _settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retryNumber, 30));
        var jittered = nominal * (0.8 + (0.4 * _random()));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _settings.MaxDelay.TotalMilliseconds));
    }

    private static bool IsTransient(Exception exception) =>
        exception is HttpRequestException or IOException or TimeoutRejectedException;

    private static bool IsTransient(HttpResponseMessage response)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.RequestTimeout:
            case HttpStatusCode.InternalServerError:
            case HttpStatusCode.BadGateway:
            case HttpStatusCode.ServiceUnavailable:
            case HttpStatusCode.GatewayTimeout:
                return true;
            case HttpStatusCode.TooManyRequests:
                // Waiting does not refill a quota that is used up.
                return !(ErrorBodyParser.TryParseEnvelope(((response.Content as BufferedContent)?.Body) ?? default, out var error)
                    && (error.Code == "insufficient_quota" || error.Type == "insufficient_quota"));
            default:
                return false;
        }
    }
}
