using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>The stubs of the Dify dialect on <c>/v1</c>; each conversation id (a UUID) names one case.</summary>
internal static class DifyStubs
{
    public const string Deletable = "d1f70000-0000-4000-8000-000000000001";
    public const string Legacy = "d1f70000-0000-4000-8000-000000000002";
    public const string Missing = "d1f70000-0000-4000-8000-000000000003";
    public const string NotChatApp = "d1f70000-0000-4000-8000-000000000004";
    public const string ServerErrorThenDeleted = "d1f70000-0000-4000-8000-000000000005";
    public const string SlowThenFast = "d1f70000-0000-4000-8000-000000000008";

    public static void Register(WireMockServer server)
    {
        server.Given(Contract.DifyDelete(Deletable)).WithTitle("dify: delete answers 204")
            .RespondWith(Response.Create().WithStatusCode(204));
        server.Given(Contract.DifyDelete(Legacy)).WithTitle("dify: delete answers 200 {\"result\":\"success\"} (older servers)")
            .RespondWith(Json(200, """{"result":"success"}"""));
        server.Given(Contract.DifyDelete(NotChatApp)).WithTitle("dify: delete on an app that is not a chat app answers 400")
            .RespondWith(Json(400, """{"code":"not_chat_app","message":"Please check if your app mode matches the right API route.","status":400}"""));
        server.Given(Contract.DifyDelete(Deletable, key: "app-wrong")).WithTitle("dify: delete with a wrong app key answers 401")
            .RespondWith(Json(401, """{"code":"unauthorized","message":"Access token is invalid","status":401}"""));
        server.Given(Contract.DifyDelete(Missing)).WithTitle("dify: delete of an unknown conversation answers 404")
            .RespondWith(Json(404, """{"code":"not_found","message":"Conversation Not Exists.","status":404}"""));

        server.Given(Contract.DifyDelete(ServerErrorThenDeleted)).WithTitle("dify: 500 first")
            .InScenario("dify 500 then 204").WillSetStateTo("500 sent")
            .RespondWith(Json(500, """{"code":"internal_server_error","message":"The server encountered an internal error.","status":500}"""));
        server.Given(Contract.DifyDelete(ServerErrorThenDeleted)).WithTitle("dify: 204 after 500")
            .InScenario("dify 500 then 204").WhenStateIs("500 sent").WillSetStateTo("500 sent")
            .RespondWith(Response.Create().WithStatusCode(204));

        // The first answer is held back by StubServer.SlowDown (see OpenAIStubs).
        server.Given(Contract.DifyDelete(SlowThenFast)).WithTitle("dify: 204 at once (after a slow one)")
            .RespondWith(Response.Create().WithStatusCode(204));
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}
