using System.Globalization;

namespace ConversationClient.Http;

/// <summary>Reads the wait a server asks for: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, then <c>Retry-After</c> (seconds or an HTTP date).</summary>
internal static class ServerDelay
{
    public static bool TryGet(HttpResponseMessage response, DateTimeOffset now, out TimeSpan delay)
    {
        if (TryGetMilliseconds(response, "retry-after-ms", out delay) || TryGetMilliseconds(response, "x-ms-retry-after-ms", out delay))
        {
            return true;
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta && delta >= TimeSpan.Zero)
            {
                delay = delta;
                return true;
            }

            if (retryAfter.Date is { } date)
            {
                delay = date > now ? date - now : TimeSpan.Zero;
                return true;
            }
        }

        delay = default;
        return false;
    }

    private static bool TryGetMilliseconds(HttpResponseMessage response, string name, out TimeSpan delay)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds)
                {
                    delay = TimeSpan.FromMilliseconds(ms);
                    return true;
                }
            }
        }

        delay = default;
        return false;
    }
}
