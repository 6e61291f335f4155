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
}
