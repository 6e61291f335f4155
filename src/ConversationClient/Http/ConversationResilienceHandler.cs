using System.Net;
using System.Runtime.ExceptionServices;
using ConversationClient.Internal;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ConversationClient.Http;

/// <summary>
/// Runs the HTTP attempts of a call under a total timeout, each attempt under its own timer (<see cref="AttemptTimer"/>).
/// The first attempt runs directly; only when it should be retried does the call enter a retry
/// <see cref="ResiliencePipeline{T}"/>, under the total time left. Each attempt gets its credential, sends, and reads the
/// body, so a body that breaks off is retried like a reset connection. One <c>x-ms-client-request-id</c> goes with all
/// attempts of a call.
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

    /// <summary>Retries, each attempt timed by <see cref="AttemptAsync"/>. Entered only after a first attempt that should be retried.</summary>
    private readonly ResiliencePipeline<HttpResponseMessage> _retryPipeline;

    public ConversationResilienceHandler(ClientSettings settings, TimeProvider timeProvider, Func<double>? random = null)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = "Retry",
            // ShouldRetry counts the retries against MaxRetries: a batch's refusals (429) are tried again without
            // using one up, so Polly's count of attempts cannot be the limit.
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            // Polly's attempt 0 is the first attempt, already made and judged outside the pipeline.
            ShouldHandle = args => new ValueTask<bool>(args.AttemptNumber == 0 || ShouldRetry(args.Outcome, GetState(args.Context))),
            DelayGenerator = static args => new ValueTask<TimeSpan?>(GetState(args.Context).NextDelay),
            OnRetry = static args =>
            {
                var state = GetState(args.Context);
                state.Telemetry?.Retrying(state, args.Outcome.Result, args.Outcome.Exception, args.RetryDelay, state.NextDelayFromServer);
                return default;
            },
        });
        _retryPipeline = builder.Build();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        AttemptAsync(BeginCall(request), first: true, cancellationToken);

    /// <summary>
    /// Not supported: the SDK's API is asynchronous, and a synchronous send would have to block a thread on the token
    /// provider's and the retry delays' asynchronous work, which hangs when the thread pool is starved.
    /// </summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            "The ConversationClient HTTP handler is asynchronous only: use SendAsync (HttpClient.SendAsync); the client's own API is asynchronous.");

    /// <summary>The retries after a first attempt that should be retried, with the total time the call has left.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> RetryAsync(RequestState state, Outcome<HttpResponseMessage> first, CancellationToken cancellationToken)
    {
        var left = _settings.TotalTimeout - _timeProvider.GetElapsedTime(state.StartTimestamp);
        var total = AttemptTimer.Start(_timeProvider, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(total.Token);
        context.Properties.Set(StateKey, state);
        state.FirstOutcome = first;
        Outcome<HttpResponseMessage> outcome;
        bool timedOut;
        try
        {
            // The handler is the only state passed: Polly copies it into each strategy's state machine.
            outcome = await _retryPipeline.ExecuteOutcomeAsync(RetryAttemptAsync, context, this).ConfigureAwait(false);
        }
        finally
        {
            timedOut = total.Stop();
            ResilienceContextPool.Shared.Return(context);

            // Not handed to the pipeline (it was canceled first): nobody else disposes the first answer.
            if (state.FirstOutcome is { } unused)
            {
                state.FirstOutcome = null;
                unused.Result?.Dispose();
            }
        }

        if (timedOut)
        {
            TryTimeOut(ref outcome, _settings.TotalTimeout, cancellationToken);
        }

        return outcome;
    }

    private static readonly Func<ResilienceContext, ConversationResilienceHandler, ValueTask<Outcome<HttpResponseMessage>>> RetryAttemptAsync =
        static (ctx, handler) => handler.RetryAttempt(GetState(ctx), ctx.CancellationToken);

    /// <summary>Polly's attempt 0 hands back the first attempt's outcome; later ones are new attempts.</summary>
    private ValueTask<Outcome<HttpResponseMessage>> RetryAttempt(RequestState state, CancellationToken cancellationToken)
    {
        if (state.FirstOutcome is { } first)
        {
            state.FirstOutcome = null;
            return new ValueTask<Outcome<HttpResponseMessage>>(first);
        }

        return OutcomeOf(AttemptAsync(state, first: false, cancellationToken));
    }

    /// <summary>A retry attempt's response or exception as Polly's outcome (a failed retry attempt throws and is caught here: the first attempt is the path kept lean).</summary>
    private static async ValueTask<Outcome<HttpResponseMessage>> OutcomeOf(Task<HttpResponseMessage> attempt)
    {
        try
        {
            return Outcome.FromResult(await attempt.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>
    /// Turns the cancellation caused by a timer into Polly's <see cref="TimeoutRejectedException"/>, as its timeout
    /// strategy does: only when the outcome is a cancellation and the caller's token was not canceled.
    /// </summary>
    private static bool TryTimeOut(ref Outcome<HttpResponseMessage> outcome, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (outcome.Exception is not OperationCanceledException canceled || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var timeoutException = new TimeoutRejectedException(
            $"The operation didn't complete within the allowed timeout of '{timeout}'.", timeout, canceled);
        _ = ExceptionDispatchInfo.SetRemoteStackTrace(timeoutException, canceled.StackTrace ?? string.Empty);
        outcome = Outcome.FromException<HttpResponseMessage>(timeoutException);
        return true;
    }

    private static RequestState GetState(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);

    private RequestState BeginCall(HttpRequestMessage request)
    {
        // The facade's call state (see RequestState.Current); a request the facade did not make gets its own.
        var state = RequestState.Current is { Request: null } current ? current : new RequestState();

        state.Request = request;
        state.RequestUri = request.RequestUri;
        state.Attempts = 0;
        state.Retries = 0;
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

        // Headers whose names are configured: Refit's [Header] needs a constant name (see IOpenAIConversationsApi).
        if (state.UserIsolationKey is { } userIsolationKey)
        {
            request.Headers.TryAddWithoutValidation(_settings.UserIsolationHeaderName, userIsolationKey);
        }

        foreach (var (name, value) in _settings.FixedHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
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

    /// <summary>
    /// One attempt under its own timer: its credential, the send, and the body read; the timer's cancellation becomes a
    /// <see cref="TimeoutRejectedException"/> (not one that <paramref name="cancellationToken"/> caused). The
    /// <paramref name="first"/> attempt of a call runs under the attempt timeout or the total timeout, whichever comes
    /// first, and when it should be retried, runs the retries too (<see cref="RetryAsync"/>). So a call that needs no
    /// retry adds one state machine to the transport's: over a socket, each async layer resumed per call added
    /// measurable time (docs/benchmarks.md).
    /// </summary>
    private async Task<HttpResponseMessage> AttemptAsync(RequestState state, bool first, CancellationToken cancellationToken)
    {
        if (state.Pacer is { } pacer)
        {
            // In a batch, every attempt starts at the batch's pace; none once the batch has given up.
            state.AttemptStartedAt = await pacer.WaitToStartAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new BatchGaveUpException(pacer.RefusingFor);
        }

        var totalFirst = first && _settings.TotalTimeout <= _settings.AttemptTimeout;
        var timeout = totalFirst ? _settings.TotalTimeout : _settings.AttemptTimeout;
        state.Attempts++;
        var request = state.Request!;
        var timer = AttemptTimer.Start(_timeProvider, timeout, cancellationToken);
        HttpResponseMessage? response = null;
        Outcome<HttpResponseMessage> outcome;
        bool timedOut;
        try
        {
            if (_settings.AccessTokenProvider is { } provider)
            {
                await AuthorizeAsync(request, provider, timer.Token).ConfigureAwait(false);
            }

            response = await base.SendAsync(request, timer.Token).ConfigureAwait(false);
            if (!ReferenceEquals(request.RequestUri, state.RequestUri))
            {
                // A primary handler the SDK could not configure (not a SocketsHttpHandler or HttpClientHandler, or one
                // set after the client was made) followed a redirect: the answer is another host's.
                throw new RedirectFollowedException();
            }

            await ResponseBuffering.BufferAsync(response, timer.Token).ConfigureAwait(false);
            outcome = Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            outcome = Outcome.FromException<HttpResponseMessage>(ex);
        }
        finally
        {
            timedOut = timer.Stop();
        }

        // Only an answer is judged (an attempt that got none, a timeout or a reset, is neither a refusal nor a pass):
        // TellPacer sets LastRefused for every answer of a batch, before ShouldRetry reads it.
        if (state.Pacer is not null && outcome.Result is { } answer)
        {
            TellPacer(state, answer);
        }

        // A first attempt that used up the total time is not retried.
        var outOfTime = timedOut && TryTimeOut(ref outcome, timeout, cancellationToken) && totalFirst;
        if (first && !outOfTime && !cancellationToken.IsCancellationRequested && ShouldRetry(outcome, state))
        {
            outcome = await RetryAsync(state, outcome, cancellationToken).ConfigureAwait(false);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    /// <summary>
    /// Sets the bearer token from the provider. A provider's failure, and a token that cannot be sent as a header
    /// value, become a <see cref="CredentialUnavailableException"/> (never retried); only a cancellation of
    /// <paramref name="cancellationToken"/> (the attempt's timer or the caller) stays a cancellation.
    /// </summary>
    private static async ValueTask AuthorizeAsync(HttpRequestMessage request, Func<CancellationToken, ValueTask<string>> provider,
        CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await provider(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A provider's own cancellation (its HTTP client timing out, say) is its failure, not this call's timeout.
            throw new CredentialUnavailableException(ex);
        }

        if (!IsBearerToken(token))
        {
            throw new CredentialUnavailableException(
                "The access token provider returned an empty token or one that cannot be sent in an HTTP header (a line break, a control or a non-ASCII character).");
        }

        // Checked above: the value is sent as it is.
        request.Headers.Remove(AuthorizationHeader);
        request.Headers.TryAddWithoutValidation(AuthorizationHeader, "Bearer " + token);
    }

    /// <summary>
    /// Whether <paramref name="token"/> is non-empty visible ASCII (RFC 9110's field value without spaces or
    /// obs-text): a line break would split the header (the runtime then throws <see cref="FormatException"/>), and
    /// other characters fail in the socket handler's encoder, which would look like a broken connection.
    /// </summary>
    private static bool IsBearerToken([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) =>
        !string.IsNullOrEmpty(token) && !token.AsSpan().ContainsAnyExceptInRange('\x21', '\x7E');

    /// <summary>
    /// Whether the outcome of an attempt should be retried; if so, sets the delay in <paramref name="state"/> and counts
    /// the retry. A batch's refusal (a 429 with <see cref="RequestState.Pacer"/> set) is tried again at the batch's pace
    /// (<see cref="BatchPacer"/>) and is not counted against <see cref="ClientSettings.MaxRetries"/>.
    /// </summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, RequestState state)
    {
        TimeSpan? serverDelay = null;
        if (outcome.Exception is { } exception)
        {
            if (!IsTransient(exception))
            {
                return false;
            }
        }
        else
        {
            var response = outcome.Result!;

            // A batch's refusal, as TellPacer judged this answer: tried again at the pace, no retry used.
            if (state.LastRefused)
            {
                state.NextDelay = TimeSpan.Zero;
                state.NextDelayFromServer = false;
                return true;
            }

            if (!IsTransient(response))
            {
                return false;
            }

            if (ServerDelay.TryGet(response, _timeProvider.GetUtcNow(), out var asked))
            {
                serverDelay = asked;
            }
        }

        if (state.Retries >= _settings.MaxRetries)
        {
            return false;
        }

        var remaining = _settings.TotalTimeout - _timeProvider.GetElapsedTime(state.StartTimestamp);
        TimeSpan delay;
        if (serverDelay is { } wait)
        {
            // A wait longer than allowed is not made: the result reports it in RetryAfter instead.
            if (wait > _settings.MaxDelay || wait >= remaining)
            {
                return false;
            }

            delay = wait;
        }
        else
        {
            delay = Backoff(state.Retries);
            if (delay >= remaining)
            {
                return false;
            }
        }

        state.NextDelay = delay;
        state.NextDelayFromServer = serverDelay is not null;
        state.Retries++;
        return true;
    }

    /// <summary>
    /// Tells the batch's pacer how the service answered an attempt: a refusal (a 429 that is not a used-up quota) with
    /// the wait the service asked for, or an answer that got through, after which the batch still pauses for a wait the
    /// service asked for (a 503 with <c>Retry-After</c>, say).
    /// </summary>
    private void TellPacer(RequestState state, HttpResponseMessage answer)
    {
        var pacer = state.Pacer!;
        TimeSpan? wait = (int)answer.StatusCode >= 400 && ServerDelay.TryGet(answer, _timeProvider.GetUtcNow(), out var asked) ? asked : null;
        state.LastRefused = answer.StatusCode == HttpStatusCode.TooManyRequests && IsTransient(answer);
        if (state.LastRefused)
        {
            pacer.Refused(state.AttemptStartedAt, wait);
            return;
        }

        pacer.Passed(state.AttemptStartedAt);
        if (wait is { } pause)
        {
            pacer.Pause(pause);
        }
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
                return !(ErrorBodyParser.TryParseEnvelope(BufferedContent.BodyOf(response), out var error)
                    && (error.Code == "insufficient_quota" || error.Type == "insufficient_quota"));
            default:
                return false;
        }
    }
}
