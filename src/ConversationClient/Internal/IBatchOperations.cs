namespace ConversationClient.Internal;

/// <summary>
/// What batching (<see cref="BulkDeleter"/>, <see cref="UserEraser"/>) needs from a client: one delete at a batch's
/// pace, one listing page as a value, and how the service's listing cursor behaves; for a complete erasure, a
/// conversation's items (a page, an item delete) and a look at whether a conversation is still there. The client supplies it; batching
/// knows nothing else of the client, the transport or the dialect.
/// </summary>
internal interface IBatchOperations
{
    /// <summary>
    /// Whether a listing cursor stays valid when the conversation it names is deleted (OpenAI's <c>after</c>). When it
    /// does not (Dify's <c>last_id</c>), an erasure pages on from a conversation it knows still stands.
    /// </summary>
    bool CursorOutlivesDeletes { get; }

    /// <summary>One delete of a checked id; <paramref name="pacer"/> paces its attempts with the rest of the batch.</summary>
    Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken);

    /// <summary>
    /// One listing page after <paramref name="cursor"/> (null: the first), oldest first by creation, where a conversation
    /// keeps its place while the user writes in it; a failed request is a value, not an exception.
    /// </summary>
    Task<PageRead<ConversationPage>> ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the service deletes a conversation's items with it (Dify). When it does not (OpenAI dialect), items
    /// outlive their conversation's delete and cannot be reached afterwards: delete them first with <see cref="DeleteItemAsync"/>.
    /// </summary>
    bool DeletesItemsWithConversation { get; }

    /// <summary>
    /// One page of a conversation's items after <paramref name="cursor"/> (null: the first; then the page's
    /// <see cref="ItemPage.NextCursor"/>), as a value: <see cref="PageRead{TPage}.Gone"/> when the service says the
    /// conversation does not exist. <paramref name="pacer"/>: the batch's (null outside one). The order is sent only
    /// where the service pages in the order asked (OpenAI dialect); Dify's pages step back from the newest, each page oldest first.
    /// </summary>
    Task<PageRead<ItemPage>> ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        BatchPacer? pacer, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one item at the batch's pace: <see cref="CallOutcome.Succeeded"/> (the service answered with this
    /// conversation's object), <see cref="CallOutcome.NotFound"/> (the item or the conversation does not exist), or
    /// <see cref="CallOutcome.Failed"/> with the error. Throws <see cref="NotSupportedException"/> where
    /// <see cref="DeletesItemsWithConversation"/> is true.
    /// </summary>
    Task<CallResult> DeleteItemAsync(string conversationId, string itemId, string? user, BatchPacer pacer, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a conversation is still there: <see cref="CallOutcome.Succeeded"/> (it is), <see cref="CallOutcome.NotFound"/>
    /// (the service says it does not exist: OpenAI's 404 to <c>GET /conversations/{id}</c>, Dify's "Conversation Not
    /// Exists." to its messages), or <see cref="CallOutcome.Failed"/> with the error.
    /// </summary>
    Task<CallResult> GetConversationAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the service lists a conversation's stored responses (Azure AI Foundry), which outlive the conversation's
    /// delete: an erasure deletes them first with <see cref="ReadResponsePageAsync"/> and <see cref="DeleteResponseAsync"/>.
    /// </summary>
    bool ListsStoredResponses { get; }

    /// <summary>
    /// The first page of the stored responses linked to a conversation, oldest first (an erasure deletes what it lists
    /// and lists the first page again), as a value: <see cref="PageRead{TPage}.NotServed"/> when the endpoint answers that it has no such list.
    /// Only where <see cref="ListsStoredResponses"/> is true.
    /// </summary>
    Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, int pageSize, BatchPacer pacer,
        CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one stored response at the batch's pace: <see cref="CallOutcome.Succeeded"/> (confirmed),
    /// <see cref="CallOutcome.NotFound"/> (the service says it does not exist), or <see cref="CallOutcome.Failed"/> with the error.
    /// Only where <see cref="ListsStoredResponses"/> is true.
    /// </summary>
    Task<CallResult> DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer, CancellationToken cancellationToken);
}
