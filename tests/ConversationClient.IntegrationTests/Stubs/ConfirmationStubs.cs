using System.Text;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>
/// Answers of a broken or hostile server: 2xx bodies that confirm nothing, and errors that echo the credential.
/// Each conversation id names one case.
/// </summary>
internal static class ConfirmationStubs
{
    public const string DifyGatewayError = "d1f70000-0000-4000-8000-0000000000c1";
    public const string DifyEchoesKey = "d1f70000-0000-4000-8000-0000000000c2";

    public static void Register(WireMockServer server)
    {
        server.Given(Contract.OpenAIDelete("conv_answer_names_another")).WithTitle("openai: 200 confirming another conversation")
            .RespondWith(Json(200, """{"id":"conv_someone_else","object":"conversation.deleted","deleted":true}"""));
        server.Given(Contract.OpenAIDelete("conv_gateway_error_200")).WithTitle("openai: a gateway's error envelope with 200")
            .RespondWith(Json(200, """{"error":{"message":"Upstream request failed.","type":"server_error","code":"upstream_error"}}"""));
        server.Given(Contract.OpenAIDelete("conv_without_deleted")).WithTitle("openai: 200 object without deleted")
            .RespondWith(Json(200, """{"id":"conv_without_deleted","object":"conversation.deleted"}"""));
        server.Given(Contract.OpenAIDelete("conv_deleted_twice")).WithTitle("openai: 200 with deleted false, then true")
            .RespondWith(Json(200, """{"id":"conv_deleted_twice","object":"conversation.deleted","deleted":false,"deleted":true}"""));
        server.Given(Contract.OpenAIDelete("conv_bad_utf8")).WithTitle("openai: 200 deleted true with FF FE inside a string")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                [.. Encoding.UTF8.GetBytes("""{"id":"conv_bad_utf8","object":"conversation.deleted","note":"x"""), 0xFF, 0xFE,
                 .. Encoding.UTF8.GetBytes("\",\"deleted\":true}")]));
        server.Given(Contract.OpenAIDelete("conv_echoes_key")).WithTitle("openai: 401 echoing the bearer key")
            .RespondWith(Json(401, $$$"""{"error":{"message":"Incorrect API key provided: Bearer {{{IntegrationTest.OpenAIKey}}}","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""")
                .WithHeader("x-request-id", "req_echo_key"));

        server.Given(Contract.DifyDelete(DifyGatewayError)).WithTitle("dify: Dify's error envelope with 200")
            .RespondWith(Json(200, """{"code":"internal_server_error","message":"The server encountered an internal error.","status":500}"""));
        server.Given(Contract.DifyDelete(DifyEchoesKey)).WithTitle("dify: 401 echoing the app key")
            .RespondWith(Json(401, $$$"""{"code":"unauthorized","message":"Access token {{{IntegrationTest.DifyKey}}} is invalid","status":401}"""));
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
}
