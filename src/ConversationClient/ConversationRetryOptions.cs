namespace ConversationClient;

/// <summary>
/// How failed HTTP attempts are retried. Retried are 408, 429 (except <c>insufficient_quota</c>), 500, 502, 503, 504,
/// connection failures and attempt timeouts, with exponential backoff and jitter, honouring the server's
/// <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> and <c>Retry-After</c> headers.
/// </summary>
public sealed class ConversationRetryOptions
{
    /// <summary>Gets or sets how many times a failed attempt is retried; 0 turns retries off.</summary>
    /// <value>Default: 3. Allowed: 0 to 100.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// Gets or sets the delay before the first retry; each later retry waits twice as long as the one before,
    /// each delay varied at random by up to 20% either way (jitter), and never longer than <see cref="MaxDelay"/>.
    /// </summary>
    /// <value>Default: 0.8 seconds. Allowed: zero (retries at once) to 1 day, and not longer than <see cref="MaxDelay"/>.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>
    /// Gets or sets the longest wait between two attempts. A server that asks for a longer wait
    /// (<c>Retry-After</c> and its variants) is not waited for: the call stops and its result carries
    /// <see cref="DeleteConversationResult.RetryAfter"/>.
    /// </summary>
    /// <value>Default: 30 seconds. Allowed: zero to 1 day, and not shorter than <see cref="BaseDelay"/>.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
