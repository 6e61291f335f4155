using System.Diagnostics;
using ConversationClient.Internal;
using Polly;

namespace ConversationClient.Pipeline;

/// <summary>
/// One SDK call's state. The facade makes it and hands it to the dialect's Refit method, which puts it into the
/// request's <see cref="HttpRequestMessage.Options"/> (<c>[Property]</c>); the handlers read it from there and from
/// Polly's <see cref="ResilienceContext"/>, record the attempts and the verdict of the last answer, and the facade reads
/// them back to build the result (also when the call ends in an exception and no response comes back).
/// </summary>
internal sealed class CallState
{
    /// <summary>The key of the state in <see cref="HttpRequestMessage.Options"/> (Refit's <c>[Property]</c> name).</summary>
    public const string OptionsKey = "ConversationClient.Call";

    private static readonly HttpRequestOptionsKey<CallState> RequestKey = new(OptionsKey);
    private static readonly ResiliencePropertyKey<CallState> ContextKey = new(OptionsKey);

    /// <summary>What the call does; a request the facade did not make is judged without a body check (its <see cref="ConversationId"/> is null).</summary>
    public CallOperation Operation { get; init; }

    /// <summary>The conversation the call is about (a delete, a get, its items); null for a listing of conversations and for requests the facade did not make.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The stored response a <see cref="CallOperation.DeleteResponse"/> deletes; null for other calls.</summary>
    public string? ResponseId { get; init; }

    /// <summary>
    /// The end user the call is for (either dialect): the dialect says whether it goes in the user isolation header
    /// (<see cref="HeadersHandler"/>), and it is kept out of the server text a result or an exception carries
    /// (<see cref="ServerText"/>). Null for none.
    /// </summary>
    public string? User { get; init; }

    /// <summary>Where retries are reported; null for requests the facade did not make.</summary>
    public ConversationTelemetry? Telemetry { get; init; }

    /// <summary>The call's activity, when someone listens, to add retry events to.</summary>
    public Activity? Activity { get; init; }

    /// <summary>The pacer of the batch the call belongs to (null outside batches), see <see cref="BatchPacing"/>.</summary>
    public BatchPacer? Pacer { get; init; }

    /// <summary>The address the call was made for: a primary handler that follows a redirect replaces the request's.</summary>
    public Uri? RequestUri { get; set; }

    /// <summary>The <c>x-ms-client-request-id</c> the handler sent with every attempt of the call (null for a request that came with its own).</summary>
    public string? ClientRequestId { get; set; }

    /// <summary>When the call started, on the handler's <see cref="TimeProvider"/>.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>The call's backoff jitter, from 0 to 1, drawn once when it starts (see <see cref="ConversationPipeline.Backoff"/>).</summary>
    public double Jitter { get; set; }

    /// <summary>How many HTTP attempts were started.</summary>
    public int Attempts { get; set; }

    /// <summary>The verdict on the last answer; null until one arrives.</summary>
    public Verdict? Verdict { get; set; }

    /// <summary>Whether the last answer was a refusal that the batch tries again (batches only).</summary>
    public bool LastRefused { get; set; }

    /// <summary>The wait before the next retry, as the retry decided it after the last attempt (null: no retry).</summary>
    public TimeSpan? NextRetryDelay { get; set; }

    /// <summary>The state <paramref name="request"/> carries; null for a request the facade did not make.</summary>
    public static CallState? Of(HttpRequestMessage request) => request.Options.TryGetValue(RequestKey, out var state) ? state : null;

    /// <summary>The state of the call the pipeline runs.</summary>
    public static CallState Of(ResilienceContext context) => context.Properties.GetValue(ContextKey, null!);

    /// <summary>Puts the state on <paramref name="context"/>.</summary>
    public void AttachTo(ResilienceContext context) => context.Properties.Set(ContextKey, this);
}
