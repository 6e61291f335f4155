using System.Diagnostics;
using ConversationClient.Internal;

namespace ConversationClient.Http;

/// <summary>
/// What one SDK call learns while its HTTP attempts run: filled in by <see cref="ConversationResilienceHandler"/>,
/// read by the facade to build the result (also when the call ends in an exception and no response comes back).
/// </summary>
internal sealed class RequestState
{
    private static readonly AsyncLocal<RequestState?> CurrentState = new();

    /// <summary>
    /// The state of the SDK call running in this asynchronous flow: the facade sets it just before it calls the dialect
    /// API, and the resilience handler, which runs in the same flow (the execution context flows through every await of
    /// <see cref="HttpClient"/>'s pipeline), takes it for the request (once: a state whose <see cref="Request"/> is set
    /// belongs to a request already sent). Set inside the facade's async method, it is undone when that method returns.
    /// Carried as Refit's <c>[Property]</c> it was a fourth entry in <see cref="HttpRequestMessage.Options"/> after
    /// Refit's three, which grew the options dictionary of every request (about 250 bytes; setting this costs less).
    /// </summary>
    public static RequestState? Current
    {
        get => CurrentState.Value;
        set => CurrentState.Value = value;
    }

    /// <summary>The conversation the call is for, for the retry log; null for requests the facade did not make.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The value of the user isolation header (OpenAI dialect), sent under the configured name by the handler; null for none.</summary>
    public string? UserIsolationKey { get; init; }

    /// <summary>Where the handler reports retries; null for requests the facade did not make.</summary>
    public ConversationTelemetry? Telemetry { get; init; }

    /// <summary>The call's activity, when someone listens, to add retry events to.</summary>
    public Activity? Activity { get; init; }

    /// <summary>The request the resilience handler is sending, for its attempts.</summary>
    public HttpRequestMessage? Request { get; set; }

    /// <summary>The address the call was made for: a primary handler that follows a redirect replaces the request's.</summary>
    public Uri? RequestUri { get; set; }

    /// <summary>How many HTTP attempts were started.</summary>
    public int Attempts { get; set; }

    /// <summary>The <c>x-ms-client-request-id</c> sent with every attempt of the call.</summary>
    public string? ClientRequestId { get; set; }

    /// <summary>When the call started, from the handler's <see cref="TimeProvider"/>.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>The delay chosen for the next retry by the retry predicate.</summary>
    public TimeSpan NextDelay { get; set; }

    /// <summary>
    /// The pacer of the batch the call belongs to (null outside batches): every attempt waits for its start, tells it
    /// how the service answered, and a refusal (429) is tried again at the batch's pace without using up a retry.
    /// </summary>
    public BatchPacer? Pacer { get; set; }

    /// <summary>When the current attempt started, on <see cref="Pacer"/>'s clock (batches only).</summary>
    public double AttemptStartedAt { get; set; }

    /// <summary>Whether the last answer was a refusal that the batch tries again (batches only).</summary>
    public bool LastRefused { get; set; }

    /// <summary>How many retries were made that count against the client's MaxRetries (a batch's refusals do not).</summary>
    public int Retries { get; set; }

    /// <summary>The first attempt's outcome, made outside the retry pipeline, until the pipeline takes it as its attempt 0.</summary>
    public Polly.Outcome<HttpResponseMessage>? FirstOutcome { get; set; }

    /// <summary>Whether <see cref="NextDelay"/> is the wait the server asked for.</summary>
    public bool NextDelayFromServer { get; set; }
}
