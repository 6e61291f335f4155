namespace ConversationClient.Internal;

/// <summary>
/// One page of the stored responses of a conversation (Azure AI Foundry's <c>GET /responses?conversation_id=</c>): their
/// ids in the order the service sent them, whether there are more, and the cursor to ask for them (<c>after</c>, the
/// page's last response).
/// </summary>
internal sealed record ResponsePage(IReadOnlyList<string> Ids, bool HasMore, string? NextCursor);
