using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>
/// Azure AI Foundry's stored responses of a conversation, as an erasure meets them: <see cref="Conversation"/> has two
/// (listed until both are deleted, then none), its items none; <see cref="NotServed"/>'s listing answers as an endpoint
/// that does not serve the list.
/// </summary>
internal static class ResponseStubs
{
    public const string User = "user-resp";
    public const string Conversation = "conv_resp";
    public const string NotServed = "conv_noresp";

    private const string Scenario = "stored responses of conv_resp";
    private const string Emptied = "both deleted";

    public static void Register(WireMockServer server)
    {
        foreach (var conversation in new[] { Conversation, NotServed })
        {
            server.Given(Contract.AzureGet($"/conversations/{conversation}/items", User).WithParam("limit", "100").WithParam("order", "asc"))
                .WithTitle($"responses: {conversation} has no items")
                .RespondWith(Json(200, """{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}"""));
            server.Given(Contract.AzureDelete(conversation, User)).WithTitle($"responses: {conversation} deletes")
                .RespondWith(Json(200, $$"""{"id":"{{conversation}}","object":"conversation.deleted","deleted":true}"""));
            server.Given(Contract.AzureGet($"/conversations/{conversation}", User)).WithTitle($"responses: {conversation} is gone when asked for")
                .RespondWith(Json(404, $$$"""{"error":{"message":"Conversation with id '{{{conversation}}}' not found.","type":"invalid_request_error","param":null,"code":null}}"""));
        }

        server.Given(Listing(Conversation)).InScenario(Scenario).WhenStateIs(null!)
            .WithTitle("responses: the first page, two responses")
            .RespondWith(Json(200, """{"object":"list","data":[{"id":"resp_1","object":"response","created_at":1741900000,"status":"completed","model":"gpt-4.1","conversation":{"id":"conv_resp"},"output":[]},{"id":"resp_2","object":"response","created_at":1741900001,"status":"completed","model":"gpt-4.1","conversation":{"id":"conv_resp"},"output":[]}],"first_id":"resp_1","last_id":"resp_2","has_more":false}"""));
        server.Given(Listing(Conversation)).InScenario(Scenario).WhenStateIs(Emptied)
            .WithTitle("responses: none left")
            .RespondWith(Json(200, """{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}"""));
        server.Given(Contract.AzureDeleteResponse("resp_1", User)).WithTitle("responses: resp_1 deletes")
            .RespondWith(Json(200, """{"id":"resp_1","object":"response","deleted":true}"""));
        server.Given(Contract.AzureDeleteResponse("resp_2", User)).InScenario(Scenario).WillSetStateTo(Emptied).WithTitle("responses: resp_2 deletes")
            .RespondWith(Json(200, """{"id":"resp_2","object":"response","deleted":true}"""));

        server.Given(Listing(NotServed)).WithTitle("responses: an endpoint that does not serve the list")
            .RespondWith(Json(404, """{"error":{"message":"Invalid URL (GET /openai/v1/responses)","type":"invalid_request_error","param":null,"code":null}}"""));
    }

    private static WireMock.RequestBuilders.IRequestBuilder Listing(string conversation) =>
        Contract.AzureGet("/responses", User).WithParam("conversation_id", conversation).WithParam("limit", "100").WithParam("order", "asc");

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}
