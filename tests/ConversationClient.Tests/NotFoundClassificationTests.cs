using System.Net;
using System.Text;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// A 404 is <see cref="DeleteConversationOutcome.NotFound"/> only when the dialect's own envelope says the conversation
/// does not exist; a 404 about the address (a base address without <c>/v1</c>) is <see cref="DeleteConversationOutcome.Failed"/>
/// with <see cref="ConversationApiError.EndpointNotFoundCode"/>, in every operation that reads a 404.
/// </summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class NotFoundClassificationTests(ConversationApiDialect dialect)
{
    // The conversation's delete alone: the item step and the verification have their own tests (CompleteErasureTests).
    private static readonly BulkDeleteOptions PlainDeletes = new() { DeleteItems = false, Verify = false };

    // Dify routes only UUIDs, so a route miss on Dify is shown with a UUID id (see the non-UUID tests below).
    private const string DifyId = "5ad4cb98-f0c7-4085-b384-88c403be6290";

    private const string WerkzeugHtml = """
        <!doctype html>
        <html lang=en>
        <title>404 Not Found</title>
        <h1>Not Found</h1>
        <p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>
        """;

    private string Id => dialect == ConversationApiDialect.Dify ? DifyId : "conv_1";

    private string User => dialect == ConversationApiDialect.Dify ? "user-42" : "iso-key";

    /// <summary>The five forms of a 404 about the address seen in the wild.</summary>
    public static IEnumerable<TestCaseData> RouteMisses()
    {
        yield return new TestCaseData("""{"error":{"message":"Invalid URL (DELETE /conversations/conv_1)","type":"invalid_request_error","param":null,"code":null}}""", "application/json")
            .SetArgDisplayNames("OpenAI Invalid URL");
        yield return new TestCaseData("""{"error":{"code":"404","message":"Resource not found"}}""", "application/json")
            .SetArgDisplayNames("Azure gateway");
        yield return new TestCaseData("""{"code":"not_found","message":"The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.","status":404}""", "application/json")
            .SetArgDisplayNames("Dify Werkzeug JSON");
        yield return new TestCaseData(WerkzeugHtml, "text/html").SetArgDisplayNames("HTML page");
        yield return new TestCaseData(null, null).SetArgDisplayNames("empty body");
    }

    /// <summary>What each dialect's services answer for a conversation that does not exist (or was deleted already).</summary>
    private IEnumerable<string> ConversationMissing() => dialect == ConversationApiDialect.OpenAI
        ?
        [
            // OpenAI's and Microsoft Agent Framework's (no code), and the emulator's (code not_found).
            """{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":null}}""",
            """{"error":{"message":"Conversation 'conv_1' not found.","type":"invalid_request_error","code":null,"param":null}}""",
            """{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":"not_found"}}""",
        ]
        : [Responses.DifyNotFound];

    /// <summary>The other dialect's "conversation not found": not this dialect's envelope, so not trusted.</summary>
    private string OtherDialectsConversationMissing => dialect == ConversationApiDialect.OpenAI ? Responses.DifyNotFound : Responses.OpenAINotFound;

    private static HttpResponseMessage NotFound(string? body, string? mediaType) => Responses.Make(HttpStatusCode.NotFound, null, response =>
    {
        if (body is not null)
        {
            response.Content = new StringContent(body, Encoding.UTF8, mediaType!);
        }
    });

    private string Page(params string[] ids) => dialect == ConversationApiDialect.Dify
        ? """{"limit":20,"has_more":false,"data":[""" + string.Join(",", ids.Select(id => $$$"""{"id":"{{{id}}}","name":"n","inputs":{},"status":"normal","introduction":"","created_at":1705407629,"updated_at":1705411229}""")) + "]}"
        : """{"object":"list","data":[""" + string.Join(",", ids.Select(id => $$$"""{"id":"{{{id}}}","object":"conversation","created_at":1741900000,"metadata":{}}""")) + """],"first_id":null,"last_id":null,"has_more":false}""";

    private static void AssertEndpointNotFound(DeleteConversationResult result, string? body)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(404));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(result.Error?.Message, Does.Contain("base address ends with /v1"));
            Assert.That(result.Error?.RawBody, Is.EqualTo(body), "the service's answer is kept");
            Assert.That(result.Attempts, Is.EqualTo(1), "a route miss is not retried");
        }
    }

    [TestCaseSource(nameof(RouteMisses))]
    public async Task DeleteAsync_404AboutTheAddress_ReturnsFailedEndpointNotFound(string? body, string? mediaType)
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(NotFound(body, mediaType)));
        var client = TestClients.Create(dialect, handler);

        var result = await client.DeleteAsync(Id, User);

        AssertEndpointNotFound(result, body);
    }

    [TestCaseSource(nameof(RouteMisses))]
    public async Task DeleteManyAsync_404AboutTheAddress_ReturnsFailedEndpointNotFoundForEveryId(string? body, string? mediaType)
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(NotFound(body, mediaType)));
        var client = TestClients.Create(dialect, handler);

        var ids = dialect == ConversationApiDialect.Dify ? new[] { DifyId, "0b9c3a77-1f4e-4f0e-9f43-3c5a4f1e2d10" } : ["conv_1", "conv_2"];
        var results = await client.DeleteManyAsync(ids, User).ToListAsync();

        Assert.That(results, Has.Count.EqualTo(2));
        foreach (var result in results)
        {
            AssertEndpointNotFound(result, body);
        }
    }

    [TestCaseSource(nameof(RouteMisses))]
    public async Task EraseUserAsync_ListingGets404AboutTheAddress_EndsIncompleteWithTheListingError(string? body, string? mediaType)
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(NotFound(body, mediaType)));
        var client = TestClients.Create(dialect, handler);

        var report = await client.EraseUserAsync(User, PlainDeletes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.False, "a listing that hits a missing endpoint is never 'nothing to erase'");
            Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(report.ListingError?.RawBody, Is.EqualTo(body));
            Assert.That(report.Listed, Is.Zero);
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
        }
    }

    [TestCaseSource(nameof(RouteMisses))]
    public async Task EraseUserAsync_DeleteGets404AboutTheAddress_CountsAFailureNotANotFound(string? body, string? mediaType)
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, Page(Id))
            .Then(_ => Task.FromResult(NotFound(body, mediaType)));
        var client = TestClients.Create(dialect, handler);

        var report = await client.EraseUserAsync(User, PlainDeletes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.NotFound, Is.Zero);
            Assert.That(report.Failures, Has.Count.EqualTo(1));
            Assert.That(report.IsComplete, Is.False);
        }

        AssertEndpointNotFound(report.Failures[0], body);
    }

    [TestCaseSource(nameof(RouteMisses))]
    public void ListAsync_404AboutTheAddress_ThrowsWithEndpointNotFound(string? body, string? mediaType)
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(NotFound(body, mediaType)));
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(User).ToListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(404));
            Assert.That(ex.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(ex.Message, Does.Contain("/v1"));
            Assert.That(ex.Message, dialect == ConversationApiDialect.OpenAI
                ? Does.Contain("OpenAI's public API has no list operation")
                : Does.Not.Contain("OpenAI"));
        }
    }

    [Test]
    public async Task DeleteAsync_ConversationMissingInTheDialectsEnvelope_ReturnsNotFound()
    {
        foreach (var body in ConversationMissing())
        {
            var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
            var client = TestClients.Create(dialect, handler);

            var result = await client.DeleteAsync(Id, User);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound), body);
                Assert.That(result.Error?.Message, Does.Contain("onversation"), body);
                Assert.That(result.Error?.RawBody, Is.Null, body);
            }
        }
    }

    [Test]
    public async Task DeleteManyAsync_ConversationMissingInTheDialectsEnvelope_ReturnsNotFound()
    {
        foreach (var body in ConversationMissing())
        {
            var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
            var client = TestClients.Create(dialect, handler);

            var results = await client.DeleteManyAsync([Id], User).ToListAsync();

            Assert.That(results.Select(r => r.Outcome), Is.EqualTo(new[] { DeleteConversationOutcome.NotFound }), body);
        }
    }

    [Test]
    public async Task EraseUserAsync_ConversationMissingInTheDialectsEnvelope_CountsNotFound()
    {
        foreach (var body in ConversationMissing())
        {
            var handler = new ScriptedHandler()
                .Then(HttpStatusCode.OK, Page(Id))
                .Then(HttpStatusCode.NotFound, body);
            var client = TestClients.Create(dialect, handler);

            var report = await client.EraseUserAsync(User, PlainDeletes);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(report.NotFound, Is.EqualTo(1), body);
                Assert.That(report.Failed, Is.Zero, body);
                Assert.That(report.IsComplete, Is.True, body);
            }
        }
    }

    [Test]
    public async Task DeleteAsync_TheOtherDialectsConversationMissing_ReturnsFailedEndpointNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, OtherDialectsConversationMissing);
        var client = TestClients.Create(dialect, handler);

        var result = await client.DeleteAsync(Id, User);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [Test]
    public async Task DeleteAsync_Twice_AnswersNotFoundTheSecondTime()
    {
        var handler = new ScriptedHandler()
            .Then(dialect == ConversationApiDialect.OpenAI ? HttpStatusCode.OK : HttpStatusCode.NoContent,
                dialect == ConversationApiDialect.OpenAI ? Responses.OpenAIDeleted : null)
            .Then(HttpStatusCode.NotFound, ConversationMissing().First());
        var client = TestClients.Create(dialect, handler);

        var first = await client.DeleteAsync(Id, User);
        var second = await client.DeleteAsync(Id, User);

        Assert.That(first.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(second.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
    }

    [Test]
    public void ListAsync_CursorConversationMissing_ThrowsWithTheServicesError()
    {
        // A 404 about a conversation on a listing is about its cursor, deleted meanwhile: not a route miss.
        var body = dialect == ConversationApiDialect.OpenAI
            ? """{"error":{"message":"Conversation with id 'conv_9' not found.","type":"invalid_request_error","param":"after","code":"not_found"}}"""
            : """{"code":"not_found","message":"Last Conversation Not Exists.","status":404}""";
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(User).ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo("not_found"));
        Assert.That(ex.Message, Does.StartWith("Listing conversations failed with HTTP 404"));
    }
}

/// <summary>A Dify id that is not a UUID: Dify's route cannot match it, so its HTML 404 cannot be told from a wrong base address.</summary>
public sealed class DifyNonUuidIdTests
{
    [TestCase("conv_1")]
    [TestCase("5AD4CB98F0C74085B38488C403BE6290")]
    [TestCase("{5ad4cb98-f0c7-4085-b384-88c403be6290}")]
    [TestCase("5ad4cb98-f0c7-4085-b384-88c403be629g")]
    public async Task DeleteAsync_NonUuidIdAnsweredByA404Page_ReturnsFailedDifyIdNotUuidAfterSendingIt(string id)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, null, r => r.Content = new StringContent("<html>404</html>", Encoding.UTF8, "text/html"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync(id, "user-42");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.DifyIdNotUuidCode));
            Assert.That(result.Error?.Message, Does.Contain("UUID").And.Contain("/v1"));
            Assert.That(handler.Requests, Has.Count.EqualTo(1), "sent: a Dify-compatible service may serve other ids");
        }
    }

    [Test]
    public async Task DeleteAsync_NonUuidIdAnsweredByDifysConversationNotExists_ReturnsNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, Responses.DifyNotFound);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("conv_1", "user-42");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
    }

    [Test]
    public async Task DeleteAsync_NonUuidIdDeletedByACompatibleService_ReturnsDeleted()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("conv_1", "user-42");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
    }

    [Test]
    public async Task DeleteAsync_UppercaseUuid_IsRoutableAndGetsEndpointNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("5AD4CB98-F0C7-4085-B384-88C403BE6290", "user-42");

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }
}
