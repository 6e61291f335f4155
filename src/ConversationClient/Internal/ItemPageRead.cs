using System.Diagnostics.CodeAnalysis;

namespace ConversationClient.Internal;

/// <summary>
/// What one request for a page of a conversation's items came to, as a value: the page, or the failure that
/// <see cref="IConversationClient.ListItemsAsync"/> throws. <see cref="ConversationGone"/> tells a conversation that the
/// service says does not exist (deleted since it was listed) from any other failure.
/// </summary>
internal sealed class ItemPageRead
{
    private ItemPageRead(ItemPage? page, ConversationApiException? failure, bool conversationGone)
    {
        Page = page;
        Failure = failure;
        ConversationGone = conversationGone;
    }

    /// <summary>The page, when the request succeeded.</summary>
    public ItemPage? Page { get; }

    /// <summary>Why the request failed (not thrown); its error's code is <see cref="ConversationApiError.NotFoundCode"/> when <see cref="ConversationGone"/>.</summary>
    public ConversationApiException? Failure { get; }

    /// <summary>The service answered that the conversation does not exist.</summary>
    public bool ConversationGone { get; }

    [MemberNotNullWhen(true, nameof(Page))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Page is not null;

    public static ItemPageRead Read(ItemPage page) => new(page, null, conversationGone: false);

    public static ItemPageRead Failed(ConversationApiException failure, bool conversationGone = false) => new(null, failure, conversationGone);
}
