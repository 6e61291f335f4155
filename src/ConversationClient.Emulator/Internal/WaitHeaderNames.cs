using ConversationClient.Testing;

namespace ConversationClient.Emulator.Internal;

/// <summary>The names of the <see cref="RateLimitWaitHeader"/> forms on the command line and in the admin endpoint's JSON.</summary>
internal static class WaitHeaderNames
{
    /// <summary>The names, in the order of the forms: <c>seconds</c>, <c>ms</c>, <c>date</c>, <c>none</c>.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<RateLimitWaitHeader>().Select(Name).ToArray();

    public static string Name(RateLimitWaitHeader form) => form switch
    {
        RateLimitWaitHeader.Milliseconds => "ms",
        RateLimitWaitHeader.Date => "date",
        RateLimitWaitHeader.None => "none",
        _ => "seconds",
    };

    /// <summary>Reads a form by its name (case ignored).</summary>
    public static bool TryParse(string? name, out RateLimitWaitHeader form)
    {
        foreach (var candidate in Enum.GetValues<RateLimitWaitHeader>())
        {
            if (string.Equals(name?.Trim(), Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                form = candidate;
                return true;
            }
        }

        form = default;
        return false;
    }
}
