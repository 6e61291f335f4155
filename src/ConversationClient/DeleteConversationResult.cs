using System.Diagnostics.CodeAnalysis;

namespace ConversationClient;

/// <summary>What a delete call did: its outcome, the service's answer and how many attempts it took.</summary>
public sealed class DeleteConversationResult
{
    /// <summary>Gets the id of the conversation the call was for.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required DeleteConversationOutcome Outcome { get; init; }

    /// <summary>Gets whether the conversation was deleted by this call (<see cref="DeleteConversationOutcome.Deleted"/>).</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Outcome == DeleteConversationOutcome.Deleted;

    /// <summary>Gets the HTTP status code of the last response; null when no response arrived.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the error; null only when <see cref="IsSuccess"/> is true.</summary>
    public ConversationApiError? Error { get; init; }

    /// <summary>Gets how many HTTP attempts were made (1 when the first one settled the call).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the service's request id of the last response (<c>x-request-id</c>, else <c>apim-request-id</c>).</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Gets the wait the service asked for (<c>Retry-After</c> and its variants) that the client did not make,
    /// because it was longer than <see cref="ConversationRetryOptions.MaxDelay"/>, would overrun
    /// <see cref="ConversationClientOptions.TotalTimeout"/>, the retries were used up, or the answer is not one that is
    /// retried (a 400, say, or a 429 for <c>insufficient_quota</c>). Null when the last answer asked for no wait, and
    /// for <see cref="DeleteConversationOutcome.NotFound"/>.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Gets whether the service answered 404 after an earlier attempt of the same call had failed: that earlier
    /// attempt probably deleted the conversation and its answer was lost.
    /// </summary>
    public bool NotFoundAfterRetry { get; init; }

    /// <summary>
    /// Gets how many of the conversation's items an erasure deleted before the conversation itself (OpenAI dialect, with
    /// <see cref="BulkDeleteOptions.DeleteItems"/>); 0 for other calls and on Dify, which deletes messages itself.
    /// </summary>
    public int ItemsDeleted { get; init; }

    /// <summary>
    /// Gets how many stored responses linked to the conversation an erasure deleted before its items and the conversation
    /// (Azure AI Foundry, whose API lists them, with <see cref="BulkDeleteOptions.DeleteItems"/>). Null when they were not
    /// checked: the service has no list of them (OpenAI's public API, see <see cref="ErasureLimit.For"/>; Dify has none),
    /// the item step was off, the call was not an erasure, or the endpoint answered that it does not serve the list (then
    /// the conversation is erased without this step, and its responses may remain).
    /// </summary>
    public int? ResponsesDeleted { get; init; }

    /// <summary>
    /// Gets what an erasure found when it asked for the conversation after deleting it
    /// (<see cref="BulkDeleteOptions.Verify"/>): <see cref="ErasureVerification.Gone"/>, <see cref="ErasureVerification.StillPresent"/>,
    /// or <see cref="ErasureVerification.NotChecked"/> (not asked, the delete failed, or the check itself failed).
    /// </summary>
    public ErasureVerification Verification { get; init; }

    /// <summary>The outcome a later result of the same conversation replaces (an erasure's final look found it still there); null otherwise.</summary>
    internal DeleteConversationOutcome? Supersedes { get; init; }

    /// <summary>This result with an erasure's counts and verification.</summary>
    internal DeleteConversationResult WithErasure(int itemsDeleted, int? responsesDeleted, ErasureVerification verification) => new()
    {
        ConversationId = ConversationId,
        Outcome = Outcome,
        StatusCode = StatusCode,
        Error = Error,
        Attempts = Attempts,
        RequestId = RequestId,
        RetryAfter = RetryAfter,
        NotFoundAfterRetry = NotFoundAfterRetry,
        ItemsDeleted = itemsDeleted,
        ResponsesDeleted = responsesDeleted,
        Verification = verification,
    };

    /// <summary>
    /// This answered result turned into a failure by what an erasure found after it (<paramref name="error"/>): the same
    /// call's status, attempts, request id, counts and <see cref="Supersedes"/>, with <paramref name="verification"/>.
    /// </summary>
    internal DeleteConversationResult AsFailed(ConversationApiError error, ErasureVerification verification) => new()
    {
        ConversationId = ConversationId,
        Outcome = DeleteConversationOutcome.Failed,
        StatusCode = StatusCode,
        Error = error,
        Attempts = Attempts,
        RequestId = RequestId,
        ItemsDeleted = ItemsDeleted,
        ResponsesDeleted = ResponsesDeleted,
        Verification = verification,
        Supersedes = Supersedes,
    };

    /// <summary>Throws unless the conversation was deleted, for callers who prefer exceptions.</summary>
    /// <returns>This result, when <see cref="IsSuccess"/> is true.</returns>
    /// <exception cref="ConversationApiException">The outcome is <see cref="DeleteConversationOutcome.NotFound"/> or <see cref="DeleteConversationOutcome.Failed"/>.</exception>
    public DeleteConversationResult EnsureSuccess() => IsSuccess ? this : throw new ConversationApiException(this);

    /// <summary>Returns a one-line summary (no credentials or user ids).</summary>
    /// <returns>For example <c>conv_1: NotFound (404, 1 attempt, not_found: ...)</c>.</returns>
    public override string ToString()
    {
        var status = StatusCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";
        var attempts = Attempts == 1 ? "1 attempt" : $"{Attempts} attempts";
        var error = Error?.ToString();
        return string.IsNullOrEmpty(error)
            ? $"{ConversationId}: {Outcome} ({status}, {attempts})"
            : $"{ConversationId}: {Outcome} ({status}, {attempts}, {error})";
    }
}
