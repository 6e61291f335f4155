using System.Text.Json;
using ConversationClient.Http;
using ConversationClient.Internal;

namespace ConversationClient.Dify;

/// <summary><see cref="IDifyConversationsApi"/> on a typed <see cref="HttpClient"/>.</summary>
internal sealed class DifyConversationsApi(HttpClient httpClient, ClientSettings settings) : IDifyConversationsApi
{
    public Task<HttpResponseMessage> DeleteConversationAsync(string conversationId, string user, RequestState state,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DifyDeleteRequest(user), ConversationJsonContext.Default.DifyDeleteRequest);
        var request = new ConversationRequestMessage(HttpMethod.Delete, settings.ConversationUri(conversationId), state)
        {
            // ByteArrayContent can be sent again by a retry.
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public Task<HttpResponseMessage> ListConversationsAsync(string user, string? lastId, int limit, string? sortBy, RequestState state,
        CancellationToken cancellationToken)
    {
        var uri = QueryString.Append(settings.ConversationsUri, ("user", user), ("last_id", lastId), ("limit", QueryString.Number(limit)), ("sort_by", sortBy));
        var request = new ConversationRequestMessage(HttpMethod.Get, uri, state);
        return httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
