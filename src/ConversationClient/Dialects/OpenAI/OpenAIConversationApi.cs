using ConversationClient.Pipeline;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>The OpenAI dialect's requests: the user goes in the user isolation header (<see cref="HeadersHandler"/>, from <see cref="CallState.User"/>).</summary>
internal sealed class OpenAIConversationApi(IOpenAIConversationsApi api) : IConversationApi
{
    public Task<HttpResponseMessage> DeleteAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.DeleteConversationAsync(conversationId, call, cancellationToken);

    public Task<HttpResponseMessage> ListAsync(string? user, string? cursor, int pageSize, ConversationListOrder? order, CallState call,
        CancellationToken cancellationToken) =>
        api.ListConversationsAsync(pageSize, OrderText(order), cursor, call, cancellationToken);

    public Task<HttpResponseMessage> ListItemsAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        CallState call, CancellationToken cancellationToken) =>
        api.ListItemsAsync(conversationId, pageSize, OrderText(order), cursor, call, cancellationToken);

    public Task<HttpResponseMessage> GetConversationAsync(string conversationId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.GetConversationAsync(conversationId, call, cancellationToken);

    public Task<HttpResponseMessage> DeleteItemAsync(string conversationId, string itemId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.DeleteItemAsync(conversationId, itemId, call, cancellationToken);

    public Task<HttpResponseMessage> ListResponsesAsync(string conversationId, string? user, int pageSize, CallState call,
        CancellationToken cancellationToken) =>
        api.ListResponsesAsync(conversationId, pageSize, OrderText(ConversationListOrder.OldestFirst), call, cancellationToken);

    public Task<HttpResponseMessage> DeleteResponseAsync(string responseId, string? user, CallState call, CancellationToken cancellationToken) =>
        api.DeleteResponseAsync(responseId, call, cancellationToken);

    private static string? OrderText(ConversationListOrder? order) => order switch
    {
        ConversationListOrder.NewestFirst => "desc",
        ConversationListOrder.OldestFirst => "asc",
        _ => null,
    };
}
