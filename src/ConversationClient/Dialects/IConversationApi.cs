using ConversationClient.Pipeline;

namespace ConversationClient.Dialects;

/// <summary>A dialect's operations on one client's <see cref="HttpClient"/>: the requests, with the user where the dialect puts it.</summary>
internal interface IConversationApi
{
    /// <summary>Deletes one conversation; the answer comes back as it is, judged by the pipeline (<see cref="CallState.Verdict"/>).</summary>
    Task<HttpResponseMessage> DeleteAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken);

    /// <summary>Requests one listing page after <paramref name="cursor"/> (null: the first).</summary>
    Task<HttpResponseMessage> ListAsync(string? user, string? cursor, int pageSize, ConversationListOrder? order, CallState call,
        CancellationToken cancellationToken);

    /// <summary>
    /// Requests one page of a conversation's items after <paramref name="cursor"/> (null: the first). A dialect whose
    /// pages step back in time whatever the order (<see cref="ConversationDialect.ItemPagesStepBack"/>) does not send it.
    /// </summary>
    Task<HttpResponseMessage> ListItemsAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        CallState call, CancellationToken cancellationToken);

    /// <summary>Asks for one conversation: a 2xx while it is there, a 404 that says it does not exist once it is gone.</summary>
    Task<HttpResponseMessage> GetConversationAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one item of a conversation. A dialect that deletes items with their conversation
    /// (<see cref="ConversationDialect.DeletesItemsWithConversation"/>) has no such request and throws <see cref="NotSupportedException"/>.
    /// </summary>
    Task<HttpResponseMessage> DeleteItemAsync(string conversationId, string itemId, string? user, CallState call, CancellationToken cancellationToken);

    /// <summary>
    /// Requests the first page of the stored responses linked to a conversation, oldest first. Only where the dialect says the service lists them (<see cref="ConversationDialect.ListsStoredResponses"/>);
    /// elsewhere throws <see cref="NotSupportedException"/>.
    /// </summary>
    Task<HttpResponseMessage> ListResponsesAsync(string conversationId, string? user, int pageSize, CallState call,
        CancellationToken cancellationToken);

    /// <summary>Deletes one stored response; as for <see cref="ListResponsesAsync"/>, only where the dialect lists them.</summary>
    Task<HttpResponseMessage> DeleteResponseAsync(string responseId, string? user, CallState call, CancellationToken cancellationToken);
}
