namespace ConversationClient.Internal;

/// <summary>
/// One page of the stored responses of a conversation (Azure AI Foundry's <c>GET /responses?conversation_id=</c>): their
/// ids in the order the service sent them, and whether there are more. No cursor: an erasure lists the first page again
/// until it is empty (what it deleted is gone from it).
/// </summary>
internal sealed record ResponsePage(IReadOnlyList<string> Ids, bool HasMore);
