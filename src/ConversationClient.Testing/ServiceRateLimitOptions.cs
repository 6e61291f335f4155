namespace ConversationClient.Testing;

/// <summary>
/// The rate limits a fake service (a <see cref="ConversationServiceStub"/> or the ConversationClient emulator) enforces,
/// like a real service's: on DELETE requests (conversation and item deletes share it), a token bucket that allows
/// <see cref="DeletesPerSecond"/> on average and <see cref="Burst"/> at once after a quiet spell; on GET requests (reads:
/// conversation list pages, item and message pages, a conversation), a second bucket of <see cref="ReadsPerSecond"/> and
/// <see cref="ReadBurst"/>. A request beyond its limit is answered 429 in the dialect's envelope with the wait in the
/// <see cref="WaitHeader"/> form. The limits are checked after the API key and before the injected faults; refusals are
/// counted in <see cref="ServiceCounters.DeletesRateLimited"/> and <see cref="ServiceCounters.ReadsRateLimited"/>.
/// </summary>
public sealed class ServiceRateLimitOptions
{
    /// <summary>Gets or sets how many deletes a second are allowed on average, across both dialects and all users; 0 for no limit.</summary>
    /// <value>Default: 0 (no limit). Allowed: 0 to 1,000,000.</value>
    public double DeletesPerSecond { get; set; }

    /// <summary>Gets or sets how many deletes may go at once after a quiet spell (the bucket's size; it starts full).</summary>
    /// <value>Default: null, one second's worth (<see cref="DeletesPerSecond"/> rounded up, at least 1). Allowed: 1 or more.</value>
    public int? Burst { get; set; }

    /// <summary>Gets or sets how many reads (GET requests) a second are allowed on average, across both dialects and all users; 0 for no limit.</summary>
    /// <value>Default: 0 (no limit). Allowed: 0 to 1,000,000.</value>
    public double ReadsPerSecond { get; set; }

    /// <summary>Gets or sets how many reads may go at once after a quiet spell (the read bucket's size; it starts full).</summary>
    /// <value>Default: null, one second's worth (<see cref="ReadsPerSecond"/> rounded up, at least 1). Allowed: 1 or more.</value>
    public int? ReadBurst { get; set; }

    /// <summary>Gets or sets the header in which a refusal (of a delete or a read) says how long to wait.</summary>
    /// <value>Default: <see cref="RateLimitWaitHeader.Seconds"/>.</value>
    public RateLimitWaitHeader WaitHeader { get; set; }

    /// <summary>Gets whether a limit is enforced at all (on deletes, reads or both).</summary>
    public bool IsActive => DeletesPerSecond > 0 || ReadsPerSecond > 0;

    /// <summary>Returns a copy, so that the service's settings do not change with the caller's object.</summary>
    internal ServiceRateLimitOptions Clone() => (ServiceRateLimitOptions)MemberwiseClone();

    /// <summary>The bucket's size: <see cref="Burst"/>, or one second's worth of deletes (at least 1) when it is null.</summary>
    internal int EffectiveBurst => Burst ?? (int)Math.Max(1, Math.Ceiling(DeletesPerSecond));

    /// <summary>The read bucket's size: <see cref="ReadBurst"/>, or one second's worth of reads (at least 1) when it is null.</summary>
    internal int EffectiveReadBurst => ReadBurst ?? (int)Math.Max(1, Math.Ceiling(ReadsPerSecond));

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        if (double.IsNaN(DeletesPerSecond) || DeletesPerSecond is < 0 or > 1_000_000)
        {
            throw new ArgumentException($"{nameof(DeletesPerSecond)} must be between 0 and 1000000.", nameof(DeletesPerSecond));
        }

        if (Burst is < 1)
        {
            throw new ArgumentException($"{nameof(Burst)} must be 1 or more.", nameof(Burst));
        }

        if (double.IsNaN(ReadsPerSecond) || ReadsPerSecond is < 0 or > 1_000_000)
        {
            throw new ArgumentException($"{nameof(ReadsPerSecond)} must be between 0 and 1000000.", nameof(ReadsPerSecond));
        }

        if (ReadBurst is < 1)
        {
            throw new ArgumentException($"{nameof(ReadBurst)} must be 1 or more.", nameof(ReadBurst));
        }

        if (!Enum.IsDefined(WaitHeader))
        {
            throw new ArgumentException($"{nameof(WaitHeader)} must be one of seconds, ms, date, none.", nameof(WaitHeader));
        }
    }
}
