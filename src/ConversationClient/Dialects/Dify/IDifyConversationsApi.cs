using ConversationClient.Http;
using ConversationClient.Pipeline;
using Refit;

namespace ConversationClient.Dialects.Dify;

/// <summary>
/// The Dify service API's conversation endpoints, one method per endpoint, transport only: Refit's source generator
/// builds each request from these declarations; mapping responses to results is the facade's job. The methods return
/// the response itself, so an error status comes back as a response and not as an exception.
/// </summary>
internal interface IDifyConversationsApi
{
    /// <summary>
    /// <c>DELETE {base}/conversations/{conversationId}</c> with the JSON body <c>{"user": user}</c>, serialized into a
    /// byte array by <see cref="JsonBodySerializer"/> (so it has a <c>Content-Length</c> and a retry sends it again),
    /// typed <c>application/json</c> without a <c>charset</c> parameter, as Dify's documentation sends it. The body is
    /// not <c>buffered</c> in Refit's sense: that would copy the array into a second buffer before sending; with a
    /// synchronous serializer (<see cref="RequestBodySerializationMode.Buffered"/>) Refit does not wrap it in a
    /// push-stream either.
    /// </summary>
    [Delete("/conversations/{conversationId}")]
    Task<HttpResponseMessage> DeleteConversationAsync(string conversationId,
        [Body(BodySerializationMethod.Serialized, buffered: false)] DifyDeleteRequest body,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary><c>GET {base}/conversations?user=&amp;last_id=&amp;limit=&amp;sort_by=</c>; null parameters are left out.</summary>
    [Get("/conversations")]
    Task<HttpResponseMessage> ListConversationsAsync(
        [AliasAs("user")] string user,
        [AliasAs("last_id")] string? lastId,
        [AliasAs("limit")] int limit,
        [AliasAs("sort_by")] string? sortBy,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET {base}/messages?conversation_id=&amp;user=&amp;first_id=&amp;limit=</c>: a page of the conversation's
    /// messages, the newest page first and each page oldest first; <c>first_id</c> (the previous page's first message)
    /// asks for the page before it. Null parameters are left out.
    /// </summary>
    [Get("/messages")]
    Task<HttpResponseMessage> ListMessagesAsync(
        [AliasAs("conversation_id")] string conversationId,
        [AliasAs("user")] string user,
        [AliasAs("first_id")] string? firstId,
        [AliasAs("limit")] int limit,
        [Property(CallState.OptionsKey)] CallState call,
        CancellationToken cancellationToken);
}
