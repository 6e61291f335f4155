using System.Diagnostics.CodeAnalysis;

namespace ConversationClient.Internal;

/// <summary>
/// What one listing page request came to, as a value: the page, or the failure that a listing throws to its caller.
/// <see cref="CursorGone"/> tells a failure that is about the cursor (the service says the conversation it names does
/// not exist: deleted since it was listed) from any other, so a caller that deletes while it pages can start again.
/// </summary>
internal sealed class PageRead
{
    private PageRead(ConversationPage? page, ConversationApiException? failure, bool cursorGone)
    {
        Page = page;
        Failure = failure;
        CursorGone = cursorGone;
    }

    /// <summary>The page, when the request succeeded.</summary>
    public ConversationPage? Page { get; }

    /// <summary>Why the request failed (not thrown): what <see cref="IConversationClient.ListAsync"/> throws.</summary>
    public ConversationApiException? Failure { get; }

    /// <summary>The service answered that the conversation the cursor names does not exist.</summary>
    public bool CursorGone { get; }

    [MemberNotNullWhen(true, nameof(Page))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Page is not null;

    public static PageRead Listed(ConversationPage page) => new(page, null, cursorGone: false);

    public static PageRead Failed(ConversationApiException failure, bool cursorGone = false) => new(null, failure, cursorGone);
}
