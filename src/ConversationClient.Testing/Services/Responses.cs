using System.Globalization;

namespace ConversationClient.Testing.Services;

/// <summary>The error envelopes of each dialect.</summary>
internal static class Responses
{
    public static ServiceAnswer OpenAIError(int status, string message, string type, string? code, string? param = null) =>
        ServiceAnswer.Json(status, new OpenAIErrorBody(new OpenAIError(message, type, param, code)), ServiceJsonContext.Default.OpenAIErrorBody);

    public static ServiceAnswer DifyError(int status, string code, string message) =>
        ServiceAnswer.Json(status, new DifyErrorBody(status, code, message), ServiceJsonContext.Default.DifyErrorBody);

    /// <summary>Werkzeug's own 404 page, which Dify answers for a path its routes do not match.</summary>
    public static ServiceAnswer WerkzeugNotFound() => new(404,
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "text/html; charset=utf-8" },
        System.Text.Encoding.UTF8.GetBytes(WerkzeugNotFoundPage));

    private const string WerkzeugNotFoundPage =
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n" +
        "<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

    public static ServiceAnswer Error(bool dify, int status, string code, string message, string openAIType) =>
        dify ? DifyError(status, code, message) : OpenAIError(status, message, openAIType, code);

    /// <summary>An injected fault in the dialect's envelope, with <c>Retry-After</c> and <c>retry-after-ms</c> when a wait is asked for.</summary>
    public static ServiceAnswer Fault(bool dify, int status, TimeSpan? retryAfter)
    {
        var answer = status switch
        {
            429 => Error(dify, 429, dify ? "too_many_requests" : "rate_limit_exceeded",
                "Rate limit reached (injected fault). Please try again later.", "requests"),
            503 => Error(dify, 503, "service_unavailable",
                "The server is overloaded or not ready yet (injected fault).", "server_error"),
            _ => Error(dify, status, dify ? "internal_server_error" : "server_error",
                $"Injected fault {status.ToString(CultureInfo.InvariantCulture)}.", "server_error"),
        };
        if (retryAfter is { } wait)
        {
            var seconds = (long)Math.Ceiling(wait.TotalSeconds);
            answer = answer
                .WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))
                .WithHeader("retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        return answer;
    }

    /// <summary>
    /// A delete or a read refused by the rate limit: 429 in the dialect's envelope (OpenAI's <c>rate_limit_exceeded</c>, Dify's
    /// <c>too_many_requests</c>), with the wait in the header form asked for.
    /// </summary>
    /// <param name="dify">Whether to answer in Dify's envelope.</param>
    /// <param name="refusal">The wait until the next token and the header form.</param>
    /// <param name="limited">What the limit is on, for OpenAI's message ("conversation deletes").</param>
    /// <param name="now">The services' clock, for the date form.</param>
    public static ServiceAnswer RateLimited(bool dify, RateLimitRefusal refusal, string limited, DateTimeOffset now)
    {
        var answer = dify
            ? DifyError(429, "too_many_requests", "Too many requests. Please try again later.")
            : OpenAIError(429, $"Rate limit reached for {limited}. Please try again later.", "requests", "rate_limit_exceeded");
        var wait = refusal.Wait;
        var seconds = Math.Max(1, CeilingDiv(wait.Ticks, TimeSpan.TicksPerSecond)).ToString(CultureInfo.InvariantCulture);
        return refusal.WaitHeader switch
        {
            RateLimitWaitHeader.Seconds => answer.WithHeader("Retry-After", seconds),
            RateLimitWaitHeader.Milliseconds => answer
                .WithHeader("retry-after-ms", Math.Max(1, CeilingDiv(wait.Ticks, TimeSpan.TicksPerMillisecond)).ToString(CultureInfo.InvariantCulture))
                .WithHeader("Retry-After", seconds),
            RateLimitWaitHeader.Date => answer.WithHeader("Retry-After", ToWholeSecondUp(now + wait).ToString("r", CultureInfo.InvariantCulture)),
            _ => answer,
        };
    }

    private static long CeilingDiv(long value, long divisor) => (value + divisor - 1) / divisor;

    /// <summary>An HTTP date has whole seconds: the next one at or after <paramref name="time"/>, so that it is not too early.</summary>
    private static DateTimeOffset ToWholeSecondUp(DateTimeOffset time)
    {
        var fraction = time.UtcTicks % TimeSpan.TicksPerSecond;
        return fraction == 0 ? time.ToUniversalTime() : time.ToUniversalTime().AddTicks(TimeSpan.TicksPerSecond - fraction);
    }
}
