namespace ConversationClient.Emulator;

/// <summary>The header in which the emulator's rate-limit 429 says how long to wait (see <see cref="EmulatorRateLimitOptions"/>).</summary>
public enum RateLimitWaitHeader
{
    /// <summary><c>Retry-After</c> in whole seconds, rounded up, at least 1 (OpenAI's documented form). Command line: <c>seconds</c>.</summary>
    Seconds,

    /// <summary>
    /// Azure's form: <c>retry-after-ms</c> with the milliseconds until the next delete is allowed (rounded up), plus
    /// <c>Retry-After</c> in whole seconds. Command line: <c>ms</c>.
    /// </summary>
    Milliseconds,

    /// <summary><c>Retry-After</c> as an HTTP date: the next whole second at or after the next allowed delete. Command line: <c>date</c>.</summary>
    Date,

    /// <summary>No wait header at all. Command line: <c>none</c>.</summary>
    None,
}
