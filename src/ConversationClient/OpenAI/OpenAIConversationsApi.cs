using ConversationClient.Http;
using ConversationClient.Internal;

namespace ConversationClient.OpenAI;

/// <summary><see cref="IOpenAIConversationsApi"/> on a typed <see cref="HttpClient"/>.</summary>
internal sealed class OpenAIConversationsApi(HttpClient httpClient, ClientSettings settings) : IOpenAIConversationsApi
{
    public Task<HttpResponseMessage> DeleteConversationAsync(string conversationId, string? userIsolationKey, RequestState state,
        CancellationToken cancellationToken)
    {
        var request = new ConversationRequestMessage(HttpMethod.Delete, settings.ConversationUri(conversationId), state);
        AddHeaders(request, userIsolationKey);
        return httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public Task<HttpResponseMessage> ListConversationsAsync(int limit, string? order, string? after, string? userIsolationKey,
        RequestState state, CancellationToken cancellationToken)
    {
        var uri = QueryString.Append(settings.ConversationsUri, ("limit", QueryString.Number(limit)), ("order", order), ("after", after));
        var request = new ConversationRequestMessage(HttpMethod.Get, uri, state);
        AddHeaders(request, userIsolationKey);
        return httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private void AddHeaders(HttpRequestMessage request, string? userIsolationKey)
    {
        if (userIsolationKey is not null)
        {
            request.Headers.TryAddWithoutValidation(settings.UserIsolationHeaderName, userIsolationKey);
        }

        if (settings.OrganizationId is { } organization)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
        }

        if (settings.ProjectId is { } project)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Project", project);
        }
    }
}
