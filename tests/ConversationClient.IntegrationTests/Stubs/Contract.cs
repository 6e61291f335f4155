using WireMock.Matchers;
using WireMock.RequestBuilders;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>
/// The request side of each service's contract, shared by the stubs: a request that deviates is not matched, and
/// WireMock.Net answers 404 "No matching mapping found" with its closest stub in the journal.
/// </summary>
internal static class Contract
{
    public const string GuidRegex = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    /// <summary>OpenAI: <c>DELETE /v1/conversations/{id}</c>, a bearer key, a GUID client request id, no isolation key, no body.</summary>
    public static IRequestBuilder OpenAIDelete(string conversationId, string key = IntegrationTest.OpenAIKey) =>
        WithoutBody(Request.Create()
            .WithPath("/v1/conversations/" + conversationId)
            .UsingDelete()
            .WithHeader("Authorization", new ExactMatcher("Bearer " + key))
            .WithHeader("x-ms-client-request-id", new RegexMatcher(GuidRegex))
            .WithHeader("x-ms-user-isolation-key", "*", MatchBehaviour.RejectOnMatch));

    /// <summary>Azure AI Foundry: <c>DELETE /openai/v1/conversations/{id}</c>, an <c>api-key</c> and no <c>Authorization</c>, no body.</summary>
    public static IRequestBuilder AzureDelete(string conversationId, string? user = null)
    {
        var request = Request.Create()
            .WithPath("/openai/v1/conversations/" + conversationId)
            .UsingDelete()
            .WithHeader("api-key", new ExactMatcher(IntegrationTest.AzureKey))
            .WithHeader("Authorization", "*", MatchBehaviour.RejectOnMatch)
            .WithHeader("x-ms-client-request-id", new RegexMatcher(GuidRegex));
        request = user is null
            ? request.WithHeader("x-ms-user-isolation-key", "*", MatchBehaviour.RejectOnMatch)
            : request.WithHeader("x-ms-user-isolation-key", new ExactMatcher(user));
        return WithoutBody(request);
    }

    /// <summary>Azure AI Foundry: <c>DELETE /openai/v1/responses/{id}</c>, an <c>api-key</c>, the isolation key of <paramref name="user"/>, no body.</summary>
    public static IRequestBuilder AzureDeleteResponse(string responseId, string user) =>
        WithoutBody(Request.Create()
            .WithPath("/openai/v1/responses/" + responseId)
            .UsingDelete()
            .WithHeader("api-key", new ExactMatcher(IntegrationTest.AzureKey))
            .WithHeader("Authorization", "*", MatchBehaviour.RejectOnMatch)
            .WithHeader("x-ms-client-request-id", new RegexMatcher(GuidRegex))
            .WithHeader("x-ms-user-isolation-key", new ExactMatcher(user)));

    /// <summary>Dify: <c>DELETE /v1/conversations/{id}</c>, a bearer app key, a JSON body equal to <c>{"user": ...}</c>.</summary>
    public static IRequestBuilder DifyDelete(string conversationId, string key = IntegrationTest.DifyKey, string user = "user-123") =>
        Request.Create()
            .WithPath("/v1/conversations/" + conversationId)
            .UsingDelete()
            .WithHeader("Authorization", new ExactMatcher("Bearer " + key))
            .WithHeader("Content-Type", new RegexMatcher("^application/json(; ?charset=utf-8)?$"))
            .WithBody(new JsonMatcher(new { user }));

    /// <summary>Azure AI Foundry: <c>GET /openai/v1{path}</c>, an <c>api-key</c>, the isolation key of <paramref name="user"/>, no content.</summary>
    public static IRequestBuilder AzureGet(string path, string user) =>
        WithoutContent(Request.Create()
            .WithPath("/openai/v1" + path)
            .UsingGet()
            .WithHeader("api-key", new ExactMatcher(IntegrationTest.AzureKey))
            .WithHeader("Authorization", "*", MatchBehaviour.RejectOnMatch)
            .WithHeader("x-ms-client-request-id", new RegexMatcher(GuidRegex))
            .WithHeader("x-ms-user-isolation-key", new ExactMatcher(user)));

    /// <summary>Dify: <c>GET /v1/messages?conversation_id=&amp;user=&amp;limit=</c>, a bearer app key, no isolation header, no content.</summary>
    public static IRequestBuilder DifyMessages(string conversationId, string user, string limit) =>
        WithoutContent(Request.Create()
            .WithPath("/v1/messages")
            .UsingGet()
            .WithParam("conversation_id", conversationId)
            .WithParam("user", user)
            .WithParam("limit", limit)
            .WithHeader("Authorization", new ExactMatcher("Bearer " + IntegrationTest.DifyKey))
            .WithHeader("x-ms-user-isolation-key", "*", MatchBehaviour.RejectOnMatch));

    // A GET's body is not matched (WireMock.Net gives a bodiless GET no body to match a rejecting matcher against):
    // no Content-Type tells that none was sent.
    private static IRequestBuilder WithoutContent(IRequestBuilder request) =>
        request.WithHeader("Content-Type", "*", MatchBehaviour.RejectOnMatch);

    private static IRequestBuilder WithoutBody(IRequestBuilder request) =>
        request
            .WithHeader("Content-Type", "*", MatchBehaviour.RejectOnMatch)
            .WithBody(new RegexMatcher(MatchBehaviour.RejectOnMatch, "^.+$"));
}
