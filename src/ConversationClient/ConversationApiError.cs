using System.Text.Json;

namespace ConversationClient;

/// <summary>
/// An error reported by the service (the OpenAI envelope <c>{"error":{...}}</c> or Dify's <c>{"code","message","status"}</c>),
/// or made by the client for a failure with no usable error body (<c>connection_failed</c>, <c>timeout</c>, ...).
/// </summary>
public sealed class ConversationApiError
{
    /// <summary>Code for a 200 answer that says the conversation was not deleted (<c>deleted: false</c>).</summary>
    public const string NotDeletedCode = "not_deleted";

    /// <summary>
    /// The code services give a conversation that does not exist (Dify's <c>not_found</c>, also used by some
    /// OpenAI-compatible services). The client gives it itself only to the failure of an item listing or an export
    /// whose conversation the service says does not exist (OpenAI's own 404 has no code); a delete keeps the service's
    /// error as it came. A 404 without the service's own "conversation not found" is <see cref="EndpointNotFoundCode"/>.
    /// </summary>
    public const string NotFoundCode = "not_found";

    /// <summary>
    /// Code for a 404 that is about the address, not the conversation: OpenAI's <c>Invalid URL (...)</c>, a gateway's
    /// <c>Resource not found</c>, Werkzeug's <c>The requested URL was not found on the server</c>, an HTML page or an
    /// empty body. The base address is probably wrong (it should end with <c>/v1</c>); the outcome is
    /// <see cref="DeleteConversationOutcome.Failed"/>, nothing was deleted, and the service's answer is in <see cref="RawBody"/>.
    /// </summary>
    public const string EndpointNotFoundCode = "endpoint_not_found";

    /// <summary>
    /// Code for a Dify-dialect delete of an id that is not a UUID, answered by a 404 that is not Dify's own
    /// "Conversation Not Exists.": Dify routes only UUID ids, so its 404 page cannot tell a conversation that cannot exist
    /// from a wrong base address. The outcome is <see cref="DeleteConversationOutcome.Failed"/>; the request was sent,
    /// so a Dify-compatible service that serves other ids still deletes them.
    /// </summary>
    public const string DifyIdNotUuidCode = "dify_id_not_uuid";

    /// <summary>Code for a failure where the service could not be reached or the connection broke.</summary>
    public const string ConnectionFailedCode = "connection_failed";

    /// <summary>
    /// Code for a delete of a batch that was in flight when the batch's cancellation token was cancelled: the request
    /// may have reached the service, so whether the conversation was deleted is unknown. Running the delete again tells
    /// (it answers <see cref="DeleteConversationOutcome.NotFound"/> when it was).
    /// </summary>
    public const string OutcomeUnknownCode = "outcome_unknown";

    /// <summary>Code for a call that ran out of time (its last attempt, or all attempts together).</summary>
    public const string TimeoutCode = "timeout";

    /// <summary>Code for a failure of <see cref="ConversationClientOptions.AccessTokenProvider"/>.</summary>
    public const string CredentialUnavailableCode = "credential_unavailable";

    /// <summary>Code for an error answer whose body was not a known error envelope (see <see cref="RawBody"/>).</summary>
    public const string HttpErrorCode = "http_error";

    /// <summary>
    /// Code for a success answer whose body was longer than the client reads (1 MiB; 32 MiB for a page of a
    /// conversation's items or messages): no answer of these endpoints is that long, so it is not trusted, and it is
    /// not retried.
    /// </summary>
    public const string ResponseTooLargeCode = "response_too_large";

    /// <summary>
    /// Code for a success answer to a delete whose body confirms nothing (see <see cref="RawBody"/>): not a JSON object
    /// (an HTML page from a proxy or a gateway, say), not valid UTF-8, a member given twice, the id of another
    /// conversation, an OpenAI-dialect object without <c>"deleted": true</c>, or a Dify-dialect object that is none of
    /// Dify's answers; also for an answer that a primary handler got by following a redirect to another address.
    /// </summary>
    public const string UnexpectedResponseCode = "unexpected_response";

    /// <summary>
    /// Code for a delete of a batch (<see cref="IConversationClient.DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>,
    /// <see cref="IConversationClient.EraseUserAsync"/>) that the service kept refusing (429 Too Many Requests): a batch
    /// tries refused deletes again at a slower pace, and gives up only when the service has let none of its deletes
    /// through for the client's <see cref="ConversationClientOptions.TotalTimeout"/>. The conversation was not deleted;
    /// running the batch again later continues the job. Not used for a used-up quota (<c>insufficient_quota</c>), which
    /// keeps the service's code.
    /// </summary>
    public const string RateLimitedCode = "rate_limited";

    /// <summary>The code of a bulk-delete result for an id that is not valid (empty or white space, <c>.</c>, <c>..</c>, control characters or an unpaired surrogate); nothing was sent.</summary>
    public const string InvalidIdCode = "invalid_id";

    /// <summary>
    /// The code of an erasure's result whose conversation was left in place because some of its items could not be
    /// listed or deleted, or the batch was stopped between two item deletes (OpenAI dialect: a conversation's delete leaves
    /// its items stored, unreachable): the message says how many were deleted and what failed; running the erasure again
    /// finishes the job. When the cause is one the caller acts on first, the result carries the cause's code instead, with
    /// the conversation left in place all the same: <see cref="RateLimitedCode"/> (wait) or <see cref="CredentialUnavailableCode"/> (fix the credential).
    /// </summary>
    public const string ItemsLeftCode = "items_left";

    /// <summary>
    /// The code of an erasure's result whose conversation the service answered as deleted, yet still has when asked
    /// again (<see cref="ErasureVerification.StillPresent"/>): it is not erased.
    /// </summary>
    public const string StillPresentCode = "still_present";

    /// <summary>Gets the error code: the service's (<c>not_found</c>, <c>invalid_api_key</c>, <c>too_many_requests</c>, ...) or one of this class's constants.</summary>
    public string? Code { get; init; }

    /// <summary>
    /// Gets the human-readable message. Server-supplied text here and in the other members is stored with the
    /// configured API key and the bearer token of the attempt replaced by <c>[redacted]</c>.
    /// </summary>
    public string? Message { get; init; }

    /// <summary>Gets the parameter the error is about (OpenAI <c>param</c>, Dify <c>params</c>), when given.</summary>
    public string? Param { get; init; }

    /// <summary>Gets the error type (OpenAI <c>type</c>, for example <c>invalid_request_error</c>), when given.</summary>
    public string? Type { get; init; }

    /// <summary>Gets nested errors (Azure's <c>details</c>); empty when there are none.</summary>
    public IReadOnlyList<ConversationApiError> Details { get; init; } = [];

    /// <summary>Gets Azure's <c>additionalInfo</c> as raw JSON, when given.</summary>
    public JsonElement? AdditionalInfo { get; init; }

    /// <summary>Gets Azure's <c>debugInfo</c> as raw JSON, when given.</summary>
    public JsonElement? DebugInfo { get; init; }

    /// <summary>
    /// Gets the response body when it was not a known error envelope (an HTML gateway page, malformed JSON) or when
    /// the client made the error from it (<see cref="EndpointNotFoundCode"/>, <see cref="DifyIdNotUuidCode"/>), at most
    /// 64 KiB of it; null when the body was empty or parsed into the other members.
    /// </summary>
    public string? RawBody { get; init; }

    /// <summary>Returns the code and message.</summary>
    /// <returns>For example <c>not_found: Conversation Not Exists.</c>; only the one that is there when the other is missing.</returns>
    public override string ToString() => (Code, Message) switch
    {
        (null, null) => string.Empty,
        (_, null) => Code,
        (null, _) => Message,
        _ => $"{Code}: {Message}",
    };
}
