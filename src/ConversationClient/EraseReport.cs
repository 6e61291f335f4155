namespace ConversationClient;

/// <summary>What <see cref="IConversationClient.EraseUserAsync"/> did: every conversation it found is counted once, and every failure is listed with its error.</summary>
public sealed class EraseReport
{
    /// <summary>Gets how many of the user's conversations were found.</summary>
    public required int Listed { get; init; }

    /// <summary>Gets how many were deleted.</summary>
    public required int Deleted { get; init; }

    /// <summary>Gets how many were already gone when deleted (listed, then deleted by someone else).</summary>
    public required int NotFound { get; init; }

    /// <summary>Gets the results of the deletes that failed, each with its conversation id and error.</summary>
    public required IReadOnlyList<DeleteConversationResult> Failures { get; init; }

    /// <summary>Gets how many deletes failed.</summary>
    public int Failed => Failures.Count;

    /// <summary>Gets how many conversations found were left alone because <see cref="BulkDeleteOptions.ShouldSkip"/> said so (counted in <see cref="Listed"/>).</summary>
    public int Skipped { get; init; }

    /// <summary>Gets whether <see cref="BulkDeleteOptions.StopToken"/> stopped the erasure before the end of the listing: conversations after that point were not deleted.</summary>
    public bool Stopped { get; init; }

    /// <summary>Gets the error that stopped the listing before its end, if one did: conversations after that point were not seen.</summary>
    public ConversationApiError? ListingError { get; init; }

    /// <summary>
    /// Gets what the service's API does not let a client erase (stored responses, uploaded files, logs, conversations
    /// made outside the API), with the source of each fact: a complete erasure still leaves these, so say them to whoever
    /// asked for it. The same list as <see cref="ErasureLimit.For"/>.
    /// </summary>
    public IReadOnlyList<ErasureLimit> Limits { get; init; } = [];

    /// <summary>Gets how many items were deleted before their conversations (OpenAI dialect, <see cref="BulkDeleteOptions.DeleteItems"/>).</summary>
    public int ItemsDeleted { get; init; }

    /// <summary>
    /// Gets how many stored responses linked to the user's conversations were deleted before them (Azure AI Foundry,
    /// <see cref="BulkDeleteOptions.DeleteItems"/>); 0 where the service has no list of them (see <see cref="Limits"/>).
    /// </summary>
    public int ResponsesDeleted { get; init; }

    /// <summary>
    /// Gets how many conversations were erased without their stored responses being checked on a service whose API
    /// lists them (Azure AI Foundry): the endpoint answered that it does not serve the list (404 for the address, 405),
    /// or the conversation was gone before they could be listed. Their responses may remain (<see cref="Limits"/>);
    /// <see cref="IsComplete"/> speaks of conversations and does not count these.
    /// </summary>
    public int ResponsesNotChecked { get; init; }

    /// <summary>
    /// Gets whether verification (<see cref="BulkDeleteOptions.Verify"/>) proved the erasure: every conversation answered
    /// as deleted was asked for and is gone, and the listing from the top after the run shows none of them. False when
    /// verification was off, found something left (<see cref="StillPresent"/>), could not ask (a check that failed), or
    /// the run ended before it.
    /// </summary>
    public bool Verified { get; init; }

    /// <summary>Gets the ids of the conversations the service still had after answering their deletes as done (each also in <see cref="Failures"/>, with <see cref="ConversationApiError.StillPresentCode"/>).</summary>
    public IReadOnlyList<string> StillPresent { get; init; } = [];

    /// <summary>Whether the erasure was asked to verify its work.</summary>
    internal bool VerificationRequested { get; init; }

    /// <summary>
    /// Gets whether the user has no conversation left that this run saw (apart from those skipped): nothing failed,
    /// nothing stopped the run, the listing reached its end, and, with <see cref="BulkDeleteOptions.Verify"/> on (the
    /// default), verification proved it (<see cref="Verified"/>). When false, running the erasure again continues the job.
    /// <see cref="Limits"/> says what no erasure through the API reaches.
    /// </summary>
    public bool IsComplete => Failures.Count == 0 && ListingError is null && !Stopped && StillPresent.Count == 0 && (Verified || !VerificationRequested);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Listed} listed, {Deleted} deleted, {NotFound} not found, {Failed} failed"
        + (Skipped == 0 ? "" : $", {Skipped} skipped")
        + (ItemsDeleted == 0 ? "" : $", {ItemsDeleted} items deleted")
        + (ResponsesDeleted == 0 ? "" : $", {ResponsesDeleted} stored responses deleted")
        + (ResponsesNotChecked == 0 ? "" : $", stored responses of {ResponsesNotChecked} not checked")
        + (Stopped ? ", stopped before the end" : "")
        + (StillPresent.Count == 0 ? "" : $", {StillPresent.Count} still present")
        + (VerificationRequested ? (Verified ? ", verified" : ", not verified") : "")
        + (ListingError is null ? "" : $", listing stopped: {ListingError}");
}
