namespace ConversationClient.Internal;

/// <summary>
/// One batch's settings and shared pieces: its slots, its pacer, the caller's skip test, the token that stops it
/// starting deletes (see <see cref="BulkDeleteOptions.StopToken"/>), and whether a cancellation reports each delete in
/// flight (an erasure's caller did not choose the ids, so it learns them only so; a DeleteManyAsync caller knows which
/// ids it handed over and has no result for).
/// </summary>
internal sealed record BatchSettings(BatchThrottle Throttle, BatchPacer Pacer, int MaxConcurrency, Func<string, bool>? ShouldSkip,
    CancellationToken StopToken, bool ReportCancelledInFlight = false)
{
    /// <summary>The batch that deletes what an erasure found: tested already, and each delete in flight reported on cancellation.</summary>
    public BatchSettings ForErasure() => this with { ShouldSkip = null, ReportCancelledInFlight = true };
}
