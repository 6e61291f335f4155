namespace ConversationClient.Internal;

/// <summary>
/// One page of a conversation's items, in the order the service sent them, whether there are more, and the cursor to
/// ask for them (OpenAI dialect: <c>after</c>, the page's last item; Dify: <c>first_id</c>, the page's first message).
/// </summary>
internal sealed record ItemPage(IReadOnlyList<ConversationItem> Items, bool HasMore, string? NextCursor);
