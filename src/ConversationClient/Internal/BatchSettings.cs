namespace ConversationClient.Internal;

/// <summary>
/// One batch's settings and shared pieces: its slots, its pacer, the caller's skip test and the token that stops it
/// starting deletes (see <see cref="BulkDeleteOptions.StopToken"/>).
/// </summary>
internal sealed record BatchSettings(BatchThrottle Throttle, BatchPacer Pacer, int MaxConcurrency, Func<string, bool>? ShouldSkip,
    CancellationToken StopToken)
{
    /// <summary>The same batch with no skip test (for ids that were tested already).</summary>
    public BatchSettings WithoutSkip() => this with { ShouldSkip = null };
}
