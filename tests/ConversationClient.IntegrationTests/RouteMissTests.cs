using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// A 404 about the address (the service does not serve the path: a base address without <c>/v1</c>, say) is not a 404
/// about the conversation: over real HTTP, each form seen in the wild is <c>Failed</c> with <c>endpoint_not_found</c> in
/// delete, bulk delete and erase, never <c>NotFound</c>. Each test runs its own WireMock.Net server that answers every
/// request with one such 404.
/// </summary>
public sealed class RouteMissTests
{
    private const string DifyId = "5f0c2a8e-3b1d-4e6f-9a7b-2c4d6e8f0a1b";
    private const string Html = "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>";

    public static IEnumerable<TestCaseData> Forms()
    {
        yield return new TestCaseData(ConversationApiDialect.OpenAI, "application/json",
            """{"error":{"message":"Invalid URL (DELETE /conversations/conv_1)","type":"invalid_request_error","param":null,"code":null}}""")
            .SetArgDisplayNames("OpenAI Invalid URL");
        yield return new TestCaseData(ConversationApiDialect.OpenAI, "application/json",
            """{"error":{"code":"404","message":"Resource not found"}}""").SetArgDisplayNames("Azure gateway");
        yield return new TestCaseData(ConversationApiDialect.Dify, "application/json",
            """{"code":"not_found","message":"The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.","status":404}""")
            .SetArgDisplayNames("Dify Werkzeug JSON");
        yield return new TestCaseData(ConversationApiDialect.OpenAI, "text/html", Html).SetArgDisplayNames("OpenAI HTML page");
        yield return new TestCaseData(ConversationApiDialect.Dify, "text/html", Html).SetArgDisplayNames("Dify HTML page");
        yield return new TestCaseData(ConversationApiDialect.OpenAI, null, "").SetArgDisplayNames("OpenAI empty body");
        yield return new TestCaseData(ConversationApiDialect.Dify, null, "").SetArgDisplayNames("Dify empty body");
    }

    [TestCaseSource(nameof(Forms))]
    public async Task RouteMiss404_IsFailedEndpointNotFound_InDeleteBulkDeleteAndErase(ConversationApiDialect dialect, string? contentType, string body)
    {
        using var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(404).WithBody(body);
        if (contentType is not null)
        {
            response = response.WithHeader("Content-Type", contentType);
        }

        server.Given(Request.Create().WithPath(new WildcardMatcher("*")).UsingAnyMethod()).RespondWith(response);
        await using var provider = new ServiceCollection()
            .AddConversationClient(o =>
            {
                o.Dialect = dialect;
                o.BaseAddress = new Uri(server.Url!);   // no /v1: the mistake these answers come from
                o.ApiKey = dialect == ConversationApiDialect.Dify ? IntegrationTest.DifyKey : IntegrationTest.OpenAIKey;
            }).Services.BuildServiceProvider();
        var client = provider.GetRequiredService<IConversationClient>();
        var id = dialect == ConversationApiDialect.Dify ? DifyId : "conv_1";

        var single = await client.DeleteAsync(id, "user-1");
        var many = new List<DeleteConversationResult>();
        await foreach (var result in client.DeleteManyAsync([id], "user-1"))
        {
            many.Add(result);
        }

        var erase = await client.EraseUserAsync("user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(single.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(single.StatusCode, Is.EqualTo(404));
            Assert.That(single.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(single.Attempts, Is.EqualTo(1), "not retried");
            Assert.That(many.Select(r => (r.Outcome, r.Error?.Code)),
                Is.EqualTo(new[] { (DeleteConversationOutcome.Failed, (string?)ConversationApiError.EndpointNotFoundCode) }));
            Assert.That(erase.IsComplete, Is.False, "a listing that hits a missing endpoint is not 'nothing to erase'");
            Assert.That(erase.ListingError?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
        }
    }

    [TestCase(ConversationApiDialect.OpenAI, """{"error":{"message":"Conversation 'conv_1' not found.","type":"invalid_request_error","code":null,"param":null}}""")]
    [TestCase(ConversationApiDialect.Dify, """{"code":"not_found","message":"Conversation Not Exists.","status":404}""")]
    public async Task ConversationLevel404_StaysNotFound(ConversationApiDialect dialect, string body)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath(new WildcardMatcher("*")).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(body));
        await using var provider = new ServiceCollection()
            .AddConversationClient(o =>
            {
                o.Dialect = dialect;
                o.BaseAddress = new Uri(server.Url! + "/v1");
                o.ApiKey = dialect == ConversationApiDialect.Dify ? IntegrationTest.DifyKey : IntegrationTest.OpenAIKey;
            }).Services.BuildServiceProvider();
        var client = provider.GetRequiredService<IConversationClient>();
        var id = dialect == ConversationApiDialect.Dify ? DifyId : "conv_1";

        var first = await client.DeleteAsync(id, "user-1");
        var second = await client.DeleteAsync(id, "user-1");

        Assert.That(new[] { first.Outcome, second.Outcome }, Is.All.EqualTo(DeleteConversationOutcome.NotFound));
    }
}
