namespace ConversationClient.Testing;

/// <summary>
/// The header in which a fake service's rate-limit 429 says how long to wait (see <see cref="ServiceRateLimitOptions"/> and
/// <see cref="ConversationServiceStub.LimitDeleteRate"/>); the emulator's command line and admin endpoint name them
/// <c>seconds</c>, <c>ms</c>, <c>date</c> and <c>none</c>.
/// </summary>
public enum RateLimitWaitHeader
{
    /// <summary><c>Retry-After</c> in whole seconds, rounded up, at least 1 (OpenAI's documented form).</summary>
    Seconds,

    /// <summary>Azure's form: <c>retry-after-ms</c> with the milliseconds until the next delete is allowed (rounded up), plus <c>Retry-After</c> in whole seconds.</summary>
    Milliseconds,

    /// <summary><c>Retry-After</c> as an HTTP date: the next whole second at or after the next allowed delete.</summary>
    Date,

    /// <summary>No wait header at all.</summary>
    None,
}
