using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>
/// The stubs of conversation items: Azure AI Foundry's items (OpenAI dialect, for the end user <see cref="User"/>) and
/// Dify's messages. A more specific stub (a cursor) has a higher priority (a lower number) than the first page's.
/// </summary>
internal static class ItemStubs
{
    public const string User = "user-42";
    public const string DifyUser = "user 7";
    public const string DifyConversation = "d1f70000-0000-4000-8000-0000000000a1";
    public const string DifyGone = "d1f70000-0000-4000-8000-0000000000a2";

    /// <summary>An item with escapes, nested content and a member no typed model knows, as the service writes it.</summary>
    public const string FirstItem = """{"type":"message","id":"msg_1","status":"completed","role":"user","content":[{"type":"input_text","text":"caf\u00e9 \"1\""}],"x_new":{"a":[1,{"b":null}]}}""";

    public const string SecondItem = """{"type":"function_call","id":"fc_2","call_id":"call_2","name":"lookup","arguments":"{\"q\":\"x\"}","status":"completed"}""";

    public const string ThirdItem = """{"type":"message","id":"msg_3","status":"completed","role":"assistant","content":[{"type":"output_text","text":"done","annotations":[]}]}""";

    public static void Register(WireMockServer server)
    {
        server.Given(Contract.AzureGet("/conversations", User).WithParam("limit", "100")).WithTitle("items: the user's conversations")
            .RespondWith(Json(200, """{"object":"list","data":[{"id":"conv_items","object":"conversation","created_at":1741900000,"metadata":{"topic":"a"}},{"id":"conv_gone","object":"conversation","created_at":1741900001,"metadata":{}}],"first_id":"conv_items","last_id":"conv_gone","has_more":false}"""));

        server.Given(Contract.AzureGet("/conversations/conv_items/items", User).WithParam("order", "asc")).AtPriority(10)
            .WithTitle("items: first page, oldest first")
            .RespondWith(Json(200, "{\"object\":\"list\",\"data\":[" + FirstItem + ",\n  " + SecondItem + "],\"first_id\":\"msg_1\",\"last_id\":\"fc_2\",\"has_more\":true}"));
        server.Given(Contract.AzureGet("/conversations/conv_items/items", User).WithParam("order", "asc").WithParam("after", "fc_2")).AtPriority(1)
            .WithTitle("items: second page after fc_2")
            .RespondWith(Json(200, "{\"object\":\"list\",\"data\":[" + ThirdItem + "],\"first_id\":\"msg_3\",\"last_id\":\"msg_3\",\"has_more\":false}"));
        server.Given(Contract.AzureGet("/conversations/conv_gone/items", User)).WithTitle("items: a conversation deleted meanwhile answers 404")
            .RespondWith(Json(404, """{"error":{"message":"Conversation with id 'conv_gone' not found.","type":"invalid_request_error","param":null,"code":null}}"""));

        server.Given(Contract.DifyMessages(DifyConversation, DifyUser, "2")).AtPriority(10).WithTitle("dify messages: the newest page")
            .RespondWith(Json(200, """{"limit":2,"has_more":true,"data":[{"id":"m3","query":"q3","answer":"a3","status":"normal","feedback":null,"message_files":[],"created_at":1705407631},{"id":"m4","query":"q4","answer":"a4","status":"normal","feedback":{"rating":"like"},"message_files":[{"id":"f4","type":"image"}],"created_at":1705407632}]}"""));
        server.Given(Contract.DifyMessages(DifyConversation, DifyUser, "2").WithParam("first_id", "m3")).AtPriority(1).WithTitle("dify messages: the page before m3")
            .RespondWith(Json(200, """{"limit":2,"has_more":false,"data":[{"id":"m1","query":"q1","answer":"a1","status":"normal","feedback":null,"message_files":[],"created_at":1705407629},{"id":"m2","query":"q2","answer":"a2","status":"normal","feedback":null,"message_files":[],"created_at":1705407630}]}"""));
        server.Given(Contract.DifyMessages(DifyGone, DifyUser, "100")).WithTitle("dify messages: a conversation that does not exist")
            .RespondWith(Json(404, """{"code":"not_found","message":"Conversation Not Exists.","status":404}"""));
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}
