using ConversationClient.Pipeline;

namespace ConversationClient.Dialects.Dify;

/// <summary>Dify's requests: the user goes in the delete's JSON body and in the query string of the listing and the messages.</summary>
internal sealed class DifyConversationApi(IDifyConversationsApi api) : IConversationApi
{
    public Task<HttpResponseMessage> DeleteAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.DeleteConversationAsync(conversationId, new DifyDeleteRequest(user!), call, cancellationToken);

    public Task<HttpResponseMessage> ListAsync(string? user, string? cursor, int pageSize, ConversationListOrder? order, CallState call,
        CancellationToken cancellationToken) =>
        api.ListConversationsAsync(user!, cursor, pageSize, order switch
        {
            ConversationListOrder.NewestFirst => "-created_at",
            ConversationListOrder.OldestFirst => "created_at",
            _ => null,
        }, call, cancellationToken);

    // Dify's pages step back from the newest whatever the order (ConversationDialect.ItemPagesStepBack): the facade orders them.
    public Task<HttpResponseMessage> ListItemsAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        CallState call, CancellationToken cancellationToken) =>
        api.ListMessagesAsync(conversationId, user!, cursor, pageSize, call, cancellationToken);

    /// <summary>Dify has no conversation get: its newest message tells, and a conversation that is gone answers 404 "Conversation Not Exists.".</summary>
    public Task<HttpResponseMessage> GetConversationAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.ListMessagesAsync(conversationId, user!, null, 1, call, cancellationToken);

    public Task<HttpResponseMessage> DeleteItemAsync(string conversationId, string itemId, string? user, CallState call, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Dify has no message delete: it deletes a conversation's messages with the conversation (ConversationDialect.DeletesItemsWithConversation).");

    public Task<HttpResponseMessage> ListResponsesAsync(string conversationId, string? user, int pageSize, CallState call,
        CancellationToken cancellationToken) =>
        throw new NotSupportedException("Dify has no stored responses (ConversationDialect.ListsStoredResponses).");

    public Task<HttpResponseMessage> DeleteResponseAsync(string responseId, string? user, CallState call, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Dify has no stored responses (ConversationDialect.ListsStoredResponses).");
}
