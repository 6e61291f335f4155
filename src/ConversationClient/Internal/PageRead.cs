using System.Diagnostics.CodeAnalysis;

namespace ConversationClient.Internal;

/// <summary>
/// What one page request came to, as a value: the page (<see cref="ConversationPage"/> of a listing, <see cref="ItemPage"/>
/// of a conversation's items), or the failure that a listing throws to its caller. <see cref="Gone"/> tells a failure in
/// which the service says the conversation the request names does not exist (a listing's cursor, deleted since it was
/// listed; the conversation whose items were asked for) from any other, so a caller that deletes while it pages can go on.
/// </summary>
internal sealed class PageRead<TPage>
    where TPage : class
{
    private PageRead(TPage page) => Page = page;

    private PageRead(ConversationApiException failure, bool gone, bool notServed)
    {
        Failure = failure;
        Gone = gone;
        NotServed = notServed;
    }

    /// <summary>The page, when the request succeeded.</summary>
    public TPage? Page { get; }

    /// <summary>Why the request failed (not thrown): what the listing throws; its error's code is <see cref="ConversationApiError.NotFoundCode"/> for an item page whose conversation is <see cref="Gone"/>.</summary>
    public ConversationApiException? Failure { get; }

    /// <summary>The service answered that the conversation the request names does not exist.</summary>
    public bool Gone { get; }

    /// <summary>The service answered that it does not serve the request's endpoint (a 404 about the address, not a conversation; a 405).</summary>
    public bool NotServed { get; }

    [MemberNotNullWhen(true, nameof(Page))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Page is not null;

    public static PageRead<TPage> Read(TPage page) => new(page);

    public static PageRead<TPage> Failed(ConversationApiException failure, bool gone = false, bool notServed = false) => new(failure, gone, notServed);
}
