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

    /// <summary>Gets whether the user has no conversation left that this run saw (apart from those skipped): nothing failed, nothing stopped the run, and the listing reached its end. When false, running the erasure again continues the job.</summary>
    public bool IsComplete => Failures.Count == 0 && ListingError is null && !Stopped;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Listed} listed, {Deleted} deleted, {NotFound} not found, {Failed} failed"
        + (Skipped == 0 ? "" : $", {Skipped} skipped")
        + (Stopped ? ", stopped before the end" : "")
        + (ListingError is null ? "" : $", listing stopped: {ListingError}");
}
