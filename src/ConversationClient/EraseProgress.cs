namespace ConversationClient;

/// <summary>Where an erasure stands: reported after each listing page and each delete.</summary>
/// <param name="Listed">Conversations found so far.</param>
/// <param name="Deleted">Conversations deleted so far.</param>
/// <param name="NotFound">Conversations that were already gone when deleted.</param>
/// <param name="Failed">Conversations whose delete failed.</param>
public readonly record struct EraseProgress(int Listed, int Deleted, int NotFound, int Failed)
{
    /// <summary>Gets how many listed conversations have a result (deleted, not found or failed).</summary>
    public int Done => Deleted + NotFound + Failed;

    /// <summary>
    /// Gets how many attempts beyond the first the finished deletes needed (retries after 5xx, 429, timeouts or network
    /// failures): a rising count says the service is pushing back.
    /// </summary>
    public int Retries { get; init; }

    /// <summary>Gets how many conversations found so far were left alone because <see cref="BulkDeleteOptions.ShouldSkip"/> said so (counted in <see cref="Listed"/>, not in <see cref="Done"/>).</summary>
    public int Skipped { get; init; }
}
