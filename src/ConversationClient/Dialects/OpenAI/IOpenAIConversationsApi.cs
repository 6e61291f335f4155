using ConversationClient.Pipeline;
using Refit;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>
/// The OpenAI Conversations API (OpenAI, Azure AI Foundry), one method per endpoint, transport only: Refit's source
/// generator builds each request from these declarations; mapping responses to results is the facade's job. The
/// methods return the response itself, so an error status comes back as a response and not as an exception.
/// </summary>
internal interface IOpenAIConversationsApi
{
    /// <summary>
    /// <c>DELETE {base}/conversations/{conversationId}</c>, no body. The call state travels in the request's options
    /// (<c>[Property]</c>); <see cref="HeadersHandler"/> adds the headers whose names are configured (the user
    /// isolation header, from <see cref="CallState.User"/>) or fixed per client (<c>OpenAI-Organization</c>,
    /// <c>OpenAI-Project</c>): Refit's <c>[Header]</c> needs a constant name, and its <c>[HeaderCollection]</c> gives a
    /// DELETE an empty body (<c>Content-Length: 0</c>) to hold content headers.
    /// </summary>
    [Delete("/conversations/{conversationId}")]
    Task<HttpResponseMessage> DeleteConversationAsync(string conversationId,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary><c>GET {base}/conversations?limit=&amp;order=&amp;after=</c> (Azure AI Foundry); null parameters are left out, headers as for <see cref="DeleteConversationAsync"/>.</summary>
    [Get("/conversations")]
    Task<HttpResponseMessage> ListConversationsAsync(
        [AliasAs("limit")] int limit,
        [AliasAs("order")] string? order,
        [AliasAs("after")] string? after,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary><c>GET {base}/conversations/{conversationId}</c>: the conversation object, or a 404 once it is gone; headers as for <see cref="DeleteConversationAsync"/>.</summary>
    [Get("/conversations/{conversationId}")]
    Task<HttpResponseMessage> GetConversationAsync(string conversationId,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET {base}/conversations/{conversationId}/items?limit=&amp;order=&amp;after=</c>: a page of the conversation's
    /// items (<c>after</c> is an item id; the service's default order is newest first); null parameters are left out.
    /// </summary>
    [Get("/conversations/{conversationId}/items")]
    Task<HttpResponseMessage> ListItemsAsync(string conversationId,
        [AliasAs("limit")] int limit,
        [AliasAs("order")] string? order,
        [AliasAs("after")] string? after,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary><c>DELETE {base}/conversations/{conversationId}/items/{itemId}</c>, no body: answered by the conversation object.</summary>
    [Delete("/conversations/{conversationId}/items/{itemId}")]
    Task<HttpResponseMessage> DeleteItemAsync(string conversationId, string itemId,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET {base}/responses?conversation_id=&amp;limit=&amp;order=&amp;after=</c> (Azure AI Foundry; OpenAI's public API has
    /// no such list): the first page of the stored responses linked to the conversation, in the OpenAI list shape (an
    /// erasure deletes what it lists and lists the first page again, so it never pages on); headers as for <see cref="DeleteConversationAsync"/> (the user
    /// isolation header scopes them).
    /// </summary>
    [Get("/responses")]
    Task<HttpResponseMessage> ListResponsesAsync(
        [AliasAs("conversation_id")] string conversationId,
        [AliasAs("limit")] int limit,
        [AliasAs("order")] string? order,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary><c>DELETE {base}/responses/{responseId}</c>, no body: answered <c>{"id","object":"response","deleted":true}</c>.</summary>
    [Delete("/responses/{responseId}")]
    Task<HttpResponseMessage> DeleteResponseAsync(string responseId,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);
}
