using ConversationClient.Http;

namespace ConversationClient.OpenAI;

/// <summary>
/// The OpenAI Conversations API (OpenAI, Azure AI Foundry), one method per endpoint, transport only: each builds the
/// request, sends it and hands the response back. Mapping responses to results is the facade's job.
/// </summary>
internal interface IOpenAIConversationsApi
{
    /// <summary><c>DELETE {base}/conversations/{conversationId}</c>, no body; the user, when given, in the isolation header.</summary>
    Task<HttpResponseMessage> DeleteConversationAsync(string conversationId, string? userIsolationKey, RequestState state,
        CancellationToken cancellationToken);

    /// <summary><c>GET {base}/conversations?limit=&amp;order=&amp;after=</c> (Azure AI Foundry); the user, when given, in the isolation header.</summary>
    Task<HttpResponseMessage> ListConversationsAsync(int limit, string? order, string? after, string? userIsolationKey, RequestState state,
        CancellationToken cancellationToken);
}
