namespace ConversationClient.Http;

/// <summary>A request made by a dialect API, carrying the state of its call to the resilience handler and back.</summary>
internal sealed class ConversationRequestMessage(HttpMethod method, Uri requestUri, RequestState state)
    : HttpRequestMessage(method, requestUri)
{
    public RequestState State { get; } = state;
}
