namespace ConversationClient.Emulator;

/// <summary>
/// A rate limit the emulator enforces on DELETE requests, like a service's: a token bucket that allows
/// <see cref="DeletesPerSecond"/> on average and <see cref="Burst"/> at once after a quiet spell; a delete beyond it is
/// answered 429 in the dialect's envelope with the wait in the <see cref="WaitHeader"/> form. The limit is checked after
/// the API key and before the injected faults; refused deletes are counted in <see cref="EmulatorCounters.DeletesRateLimited"/>.
/// </summary>
public sealed class EmulatorRateLimitOptions
{
    /// <summary>Gets or sets how many deletes a second are allowed on average, across both dialects and all users; 0 for no limit.</summary>
    /// <value>Default: 0 (no limit). Allowed: 0 to 1,000,000.</value>
    public double DeletesPerSecond { get; set; }

    /// <summary>Gets or sets how many deletes may go at once after a quiet spell (the bucket's size; it starts full).</summary>
    /// <value>Default: null, one second's worth (<see cref="DeletesPerSecond"/> rounded up, at least 1). Allowed: 1 or more.</value>
    public int? Burst { get; set; }

    /// <summary>Gets or sets the header in which a refusal says how long to wait.</summary>
    /// <value>Default: <see cref="RateLimitWaitHeader.Seconds"/>.</value>
    public RateLimitWaitHeader WaitHeader { get; set; }

    /// <summary>Gets whether a limit is enforced at all.</summary>
    public bool IsActive => DeletesPerSecond > 0;

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>A new object with the same values.</returns>
    public EmulatorRateLimitOptions Clone() => (EmulatorRateLimitOptions)MemberwiseClone();

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (double.IsNaN(DeletesPerSecond) || DeletesPerSecond is < 0 or > 1_000_000)
        {
            throw new ArgumentException($"{nameof(DeletesPerSecond)} must be between 0 and 1000000.", nameof(DeletesPerSecond));
        }

        if (Burst is < 1)
        {
            throw new ArgumentException($"{nameof(Burst)} must be 1 or more.", nameof(Burst));
        }

        if (!Enum.IsDefined(WaitHeader))
        {
            throw new ArgumentException($"{nameof(WaitHeader)} must be one of seconds, ms, date, none.", nameof(WaitHeader));
        }
    }

    /// <summary>The names of the wait-header forms on the command line and in the admin endpoint's JSON.</summary>
    internal static string WaitHeaderName(RateLimitWaitHeader form) => form switch
    {
        RateLimitWaitHeader.Milliseconds => "ms",
        RateLimitWaitHeader.Date => "date",
        RateLimitWaitHeader.None => "none",
        _ => "seconds",
    };

    /// <summary>Reads a wait-header form by its name (<c>seconds</c>, <c>ms</c>, <c>date</c>, <c>none</c>; case ignored).</summary>
    internal static bool TryParseWaitHeader(string? name, out RateLimitWaitHeader form)
    {
        foreach (var candidate in Enum.GetValues<RateLimitWaitHeader>())
        {
            if (string.Equals(name?.Trim(), WaitHeaderName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                form = candidate;
                return true;
            }
        }

        form = default;
        return false;
    }
}
