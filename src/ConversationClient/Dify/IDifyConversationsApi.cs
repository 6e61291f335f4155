using ConversationClient.Http;

namespace ConversationClient.Dify;

/// <summary>
/// The Dify service API's conversation endpoints, one method per endpoint, transport only: each builds the request,
/// sends it and hands the response back. Mapping responses to results is the facade's job.
/// </summary>
internal interface IDifyConversationsApi
{
    /// <summary><c>DELETE {base}/conversations/{conversationId}</c> with the JSON body <c>{"user": user}</c>.</summary>
    Task<HttpResponseMessage> DeleteConversationAsync(string conversationId, string user, RequestState state,
        CancellationToken cancellationToken);

    /// <summary><c>GET {base}/conversations?user=&amp;last_id=&amp;limit=&amp;sort_by=</c>.</summary>
    Task<HttpResponseMessage> ListConversationsAsync(string user, string? lastId, int limit, string? sortBy, RequestState state,
        CancellationToken cancellationToken);
}
