using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests.Stubs;

/// <summary>The stubs of the OpenAI dialect: OpenAI on <c>/v1</c> and Azure AI Foundry on <c>/openai/v1</c>.</summary>
internal static class OpenAIStubs
{
    public const string AzureRequestId = "a3c1e2f0-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

    private const string Overloaded = """{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}""";

    public static void Register(WireMockServer server)
    {
        server.Given(Contract.OpenAIDelete("conv_openai_ok")).WithTitle("openai: delete answers 200 deleted")
            .RespondWith(OpenAIJson(200, "req_openai_ok", Deleted("conv_openai_ok")));
        server.Given(Contract.OpenAIDelete("conv with/slash")).WithTitle("openai: delete of an id with a space and a slash")
            .RespondWith(OpenAIJson(200, "req_openai_escaped", Deleted("conv with/slash")));
        server.Given(Contract.OpenAIDelete("conv_not_deleted")).WithTitle("openai: delete answers 200 with deleted false")
            .RespondWith(OpenAIJson(200, "req_openai_not_deleted", """{"id":"conv_not_deleted","object":"conversation.deleted","deleted":false}"""));
        server.Given(Contract.OpenAIDelete("conv_missing")).WithTitle("openai: delete of an unknown conversation answers 404")
            .RespondWith(OpenAIJson(404, "req_openai_missing",
                """{"error":{"message":"Conversation with id 'conv_missing' not found.","type":"invalid_request_error","param":null,"code":"not_found"}}"""));
        server.Given(Contract.OpenAIDelete("conv_openai_ok", key: "sk-wrong")).WithTitle("openai: delete with a wrong key answers 401")
            .RespondWith(OpenAIJson(401, "req_openai_bad_key",
                """{"error":{"message":"Incorrect API key provided: sk-wrong.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""));
        server.Given(Contract.OpenAIDelete("conv_malformed")).WithTitle("openai: delete answers 500 with malformed JSON")
            .RespondWith(OpenAIJson(500, "req_openai_malformed", """{"error": {"message": "The server had an error"""));
        server.Given(Contract.OpenAIDelete("conv_hangs")).WithTitle("openai: every answer delayed 5 s")
            .RespondWith(OpenAIJson(200, "req_hangs", Deleted("conv_hangs")).WithDelay(TimeSpan.FromSeconds(5)));

        // A connection reset is served by the middleware of StubServer before this stub is reached.
        server.Given(Contract.OpenAIDelete("conv_fault_reset")).WithTitle("openai: 200 after a reset")
            .RespondWith(OpenAIJson(200, "req_after_fault", Deleted("conv_fault_reset")));

        // The first answer is held back 3 s by StubServer.SlowDown: WireMock.Net changes a scenario's state only after a
        // delayed answer is written, so a scenario could not tell the retry from the first request.
        server.Given(Contract.OpenAIDelete("conv_slow")).WithTitle("openai: an answer at once (after a slow one)")
            .RespondWith(OpenAIJson(200, "req_fast", Deleted("conv_slow")));

        // Scenarios: the first step has no WhenStateIs (the start state is null); the last one sets its own state to repeat.
        server.Given(Contract.OpenAIDelete("conv_retry_503")).WithTitle("openai: 503, first answer")
            .InScenario("openai 503 503 200").WillSetStateTo("one 503 sent")
            .RespondWith(OpenAIJson(503, "req_503_first", Overloaded));
        server.Given(Contract.OpenAIDelete("conv_retry_503")).WithTitle("openai: 503, second answer")
            .InScenario("openai 503 503 200").WhenStateIs("one 503 sent").WillSetStateTo("two 503 sent")
            .RespondWith(OpenAIJson(503, "req_503_second", Overloaded));
        server.Given(Contract.OpenAIDelete("conv_retry_503")).WithTitle("openai: 200 after two 503")
            .InScenario("openai 503 503 200").WhenStateIs("two 503 sent").WillSetStateTo("two 503 sent")
            .RespondWith(OpenAIJson(200, "req_503_then_ok", Deleted("conv_retry_503")));

        server.Given(Contract.AzureDelete("conv_azure_ok")).WithTitle("azure: delete with api-key answers 200 deleted")
            .RespondWith(AzureJson(200, Deleted("conv_azure_ok")));
        server.Given(Contract.AzureDelete("conv_azure_user", user: "user-42")).WithTitle("azure: delete for end user user-42 answers 200 deleted")
            .RespondWith(AzureJson(200, Deleted("conv_azure_user")));
        server.Given(Contract.AzureDelete("conv_azure_invalid")).WithTitle("azure: delete answers 400 with the Azure error envelope")
            .RespondWith(AzureJson(400, """
                {"error":{"code":"invalid_request","message":"The conversation id is not valid.","param":"conversation_id","type":"invalid_request_error",
                 "details":[{"code":"invalid_format","message":"Ids start with 'conv_'.","target":"conversation_id"}],
                 "additionalInfo":{"request_id":"a3c1e2f0-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},"debugInfo":{"stage":"routing"}}}
                """));
        server.Given(Contract.AzureDelete("conv_azure_429")).WithTitle("azure: 429 with Retry-After 1")
            .InScenario("azure 429 then 200").WillSetStateTo("429 sent")
            .RespondWith(AzureJson(429,
                """{"error":{"code":"429","message":"Requests to the Conversations API have exceeded the rate limit. Retry after 1 second."}}""")
                .WithHeader("Retry-After", "1"));
        server.Given(Contract.AzureDelete("conv_azure_429")).WithTitle("azure: 200 after 429")
            .InScenario("azure 429 then 200").WhenStateIs("429 sent").WillSetStateTo("429 sent")
            .RespondWith(AzureJson(200, Deleted("conv_azure_429")));
        server.Given(Contract.AzureDelete("conv_azure_502")).WithTitle("azure: 502 HTML gateway page, forever")
            .RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html")
                .WithBody("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"));
    }

    private static string Deleted(string id) => $$"""{"id":"{{id.Replace("\"", "\\\"", StringComparison.Ordinal)}}","object":"conversation.deleted","deleted":true}""";

    private static IResponseBuilder OpenAIJson(int status, string requestId, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", requestId).WithBody(body);

    private static IResponseBuilder AzureJson(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("apim-request-id", AzureRequestId).WithBody(body);
}
