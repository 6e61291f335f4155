using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Azure AI Foundry list pages that leave members out, and which failures say the service has no listing.</summary>
public sealed class ListPageTests
{
    private static string Item(string id) => "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":{}}";

    private static List<string?> Afters(ScriptedHandler handler) =>
        handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Uri.Query)["after"]).ToList();

    [Test]
    public async Task ListAsync_FoundryPageWithoutLastId_GoesOnFromTheLastItem()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, $$"""{"object":"list","data":[{{Item("conv_a")}},{{Item("conv_b")}}],"has_more":true}""")
            .Then(HttpStatusCode.OK, $$"""{"object":"list","data":[{{Item("conv_c")}}],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListAsync().ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "conv_a", "conv_b", "conv_c" }));
        Assert.That(Afters(handler), Is.EqualTo(new[] { null, "conv_b" }));
    }

    [Test]
    public async Task ListAsync_FoundryLastId_IsTheCursorEvenWhenItIsNotTheLastItem()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, $$"""{"object":"list","data":[{{Item("conv_a")}}],"last_id":"conv_cursor","has_more":true}""")
            .Then(HttpStatusCode.OK, """{"object":"list","data":[],"last_id":null,"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        await client.ListAsync().ToListAsync();

        Assert.That(Afters(handler), Is.EqualTo(new[] { null, "conv_cursor" }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task ListAsync_FoundryDataNull_IsAnEmptyPage(bool hasMore)
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, $$"""{"object":"list","data":null,"last_id":"conv_x","has_more":{{(hasMore ? "true" : "false")}}}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        if (hasMore)
        {
            // "More" with nothing to page on from: the rest cannot be seen, which is not the end of the listing.
            var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());
            Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
            return;
        }

        var items = await client.ListAsync().ToListAsync();

        Assert.That(items, Is.Empty);
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "an empty last page ends the listing");
    }

    [Test]
    public async Task ListAsync_DifyDataNull_IsAnEmptyPage()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"limit":20,"has_more":false,"data":null}""");
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListAsync("u").ToListAsync();

        Assert.That(items, Is.Empty);
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void ListAsync_ItemWithoutId_FailsThePage()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[{"object":"conversation"}],"has_more":false}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(200));
    }

    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.Forbidden)]
    [TestCase(HttpStatusCode.Unauthorized)]
    public void ListAsync_OpenAIOtherFailures_DoNotClaimThereIsNoListOperation(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Then(status, Responses.OpenAIError("bad", "Nope."));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.Message, Does.Not.Contain("no list operation"));
        Assert.That(ex.Message, Does.Contain(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(ex.Error?.Code, Is.EqualTo("bad"));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.MethodNotAllowed)]
    public void ListAsync_DifyNotFoundOrNotAllowed_DoesNotClaimThereIsNoListOperation(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Then(status, Responses.DifyError("not_found", "Nope.", (int)status));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync("u").ToListAsync());

        Assert.That(ex!.Message, Does.Not.Contain("no list operation"));
        Assert.That(ex.StatusCode, Is.EqualTo((int)status));
    }

    // A listing page whose cursor's conversation was deleted meanwhile is "gone" (an erasure starts again from the top);
    // any other failure is not, and ends the listing.
    [TestCase(HttpStatusCode.NotFound, Responses.OpenAINotFound, true)]
    [TestCase(HttpStatusCode.BadRequest, """{"error":{"code":"invalid_value","message":"Invalid 'after'.","param":"after","type":"invalid_request_error"}}""", false)]
    [TestCase(HttpStatusCode.InternalServerError, """{"error":{"code":null,"message":"The server had an error.","type":"server_error"}}""", false)]
    public async Task ReadPage_FailureIsGoneOnlyWhenTheServiceSaysTheConversationDoesNotExist(HttpStatusCode status, string body, bool gone)
    {
        var handler = new ScriptedHandler().Then(status, body);
        var operations = (Internal.IBatchOperations)TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 0);

        var read = await operations.ReadPageAsync(null, "conv_deleted", 20, CancellationToken.None);

        Assert.That(read.Succeeded, Is.False);
        Assert.That(read.Gone, Is.EqualTo(gone));
    }
}
