using ConversationClient.Pipeline;

namespace ConversationClient.Dialects.Dify;

/// <summary>Dify's requests: the user goes in the delete's JSON body and in the listing's query string.</summary>
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
}
