using ConversationClient.Dialects;

namespace ConversationClient.Internal;

/// <summary>Argument checks at the public edge. Messages never contain the values checked (a user id is personal data).</summary>
internal static class Guard
{
    public static void ConversationId(string conversationId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(conversationId, paramName);
        if (ConversationIdProblem(conversationId) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    /// <summary>Why a (non-null) conversation id cannot be sent, or null when it can.</summary>
    public static string? ConversationIdProblem(string conversationId)
    {
        if (string.IsNullOrWhiteSpace(conversationId))
        {
            return "A conversation id cannot be empty or white space.";
        }

        if (conversationId is "." or "..")
        {
            return "A conversation id cannot be '.' or '..'.";
        }

        if (HasControlCharacter(conversationId))
        {
            return "A conversation id cannot contain control characters.";
        }

        return HasLoneSurrogate(conversationId) ? "A conversation id cannot contain unpaired surrogate characters." : null;
    }

    /// <summary>
    /// Checks a user for the dialect. Dify's user travels in a JSON body (and a URL-escaped query), which carry any
    /// string: a tab, a quote, a backslash, non-ASCII. Only the OpenAI dialect's user is an HTTP header value, and
    /// only it has header rules (no control characters, ASCII only). In both, the user cannot be empty or white space
    /// (an unset value, not a user) nor hold an unpaired surrogate (no UTF-8 text can carry it).
    /// </summary>
    public static void User(string? user, ConversationDialect dialect, string paramName)
    {
        if (user is null)
        {
            if (dialect.UserRequiredMessage is { } required)
            {
                throw new ArgumentNullException(paramName, required);
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            throw new ArgumentException("The user cannot be empty or white space; pass null for no user.", paramName);
        }

        if (HasLoneSurrogate(user))
        {
            throw new ArgumentException("The user cannot contain unpaired surrogate characters: no UTF-8 text can carry them.", paramName);
        }

        dialect.CheckUser(user, paramName);
    }

    /// <summary>Checks the user of an operation that is about one user in every dialect (erasing a user).</summary>
    public static void RequiredUser(string? user, ConversationDialect dialect, string paramName)
    {
        if (user is null)
        {
            throw new ArgumentNullException(paramName, dialect.EraseUserRequiredMessage);
        }

        User(user, dialect, paramName);
    }

    public static void InRange(int value, int min, int max, string paramName)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be from {min} to {max}.");
        }
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
