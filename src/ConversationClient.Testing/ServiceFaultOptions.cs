namespace ConversationClient.Testing;

/// <summary>
/// Faults a fake service (a <see cref="ConversationServiceStub"/> or the ConversationClient emulator) injects into its API
/// answers, for demos of retries and for load tests. Faults are decided after the API key check and the rate limit, so a
/// fault always looks like the service refusing an authenticated request.
/// </summary>
public sealed class ServiceFaultOptions
{
    /// <summary>Gets or sets how many of the first matching requests are answered with <see cref="StatusCode"/>.</summary>
    /// <value>Default: 0.</value>
    public int FailFirst { get; set; }

    /// <summary>Gets or sets the fraction (0 to 1) of the later matching requests answered with <see cref="StatusCode"/>.</summary>
    /// <value>Default: 0.</value>
    public double FailureRate { get; set; }

    /// <summary>
    /// Gets or sets the fraction (0 to 1) of the later matching requests answered 429 with <see cref="RetryAfter"/>, on top
    /// of <see cref="FailureRate"/>: for example 0.05 and 0.02 give 5% <see cref="StatusCode"/> and 2% rate limiting.
    /// </summary>
    /// <value>Default: 0. <see cref="FailureRate"/> plus this may not exceed 1.</value>
    public double TooManyRequestsRate { get; set; }

    /// <summary>Gets or sets the status of an injected fault, for example 503 or 429.</summary>
    /// <value>Default: 503. Allowed: 400 to 599.</value>
    public int StatusCode { get; set; } = 503;

    /// <summary>
    /// Gets or sets the wait an injected fault asks for, sent as <c>Retry-After</c> (whole seconds, rounded up) and
    /// <c>retry-after-ms</c>; null sends neither.
    /// </summary>
    /// <value>Default: null.</value>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets the delay added before every API answer (faults included).</summary>
    /// <value>Default: zero. Allowed: up to 5 minutes.</value>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Gets or sets the HTTP method the injected statuses (<see cref="FailFirst"/>, <see cref="FailureRate"/>,
    /// <see cref="TooManyRequestsRate"/>) apply to (for example <c>DELETE</c>); null applies them to every request.
    /// <see cref="Latency"/> delays every answer, whatever the method.
    /// </summary>
    /// <value>Default: null.</value>
    public string? Method { get; set; }

    /// <summary>Gets or sets the seed of the random choice made by <see cref="FailureRate"/>, for repeatable runs; null seeds at random.</summary>
    /// <value>Default: null.</value>
    public int? Seed { get; set; }

    /// <summary>Gets whether these options inject anything at all.</summary>
    public bool IsActive => FailFirst > 0 || FailureRate > 0 || TooManyRequestsRate > 0 || Latency > TimeSpan.Zero;

    /// <summary>Returns a copy, so that the service's settings do not change with the caller's object.</summary>
    internal ServiceFaultOptions Clone() => (ServiceFaultOptions)MemberwiseClone();

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        if (FailFirst < 0)
        {
            throw new ArgumentException($"{nameof(FailFirst)} must be 0 or more.", nameof(FailFirst));
        }

        if (double.IsNaN(FailureRate) || FailureRate is < 0 or > 1)
        {
            throw new ArgumentException($"{nameof(FailureRate)} must be between 0 and 1.", nameof(FailureRate));
        }

        if (double.IsNaN(TooManyRequestsRate) || TooManyRequestsRate is < 0 or > 1 || FailureRate + TooManyRequestsRate > 1)
        {
            throw new ArgumentException($"{nameof(TooManyRequestsRate)} must be between 0 and 1, and with {nameof(FailureRate)} at most 1.",
                nameof(TooManyRequestsRate));
        }

        if (StatusCode is < 400 or > 599)
        {
            throw new ArgumentException($"{nameof(StatusCode)} must be between 400 and 599.", nameof(StatusCode));
        }

        if (RetryAfter is { } wait && (wait < TimeSpan.Zero || wait > TimeSpan.FromDays(1)))
        {
            throw new ArgumentException($"{nameof(RetryAfter)} must be between 0 and 1 day.", nameof(RetryAfter));
        }

        if (Latency < TimeSpan.Zero || Latency > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"{nameof(Latency)} must be between 0 and 5 minutes.", nameof(Latency));
        }
    }
}
