using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class ListTests
{
    private static string DifyPage(bool hasMore, params string[] ids) =>
        $$"""{"limit":2,"has_more":{{(hasMore ? "true" : "false")}},"data":[{{string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","name":"n-{{id}}","inputs":{},"status":"normal","introduction":"","created_at":1705407629,"updated_at":1705411229}"""))}}]}""";

    private static string OpenAIPage(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":{\"k\":\"v\"}}"))}}],"first_id":null,"last_id":{{(ids.Length > 0 ? $"\"{ids[^1]}\"" : "null")}},"has_more":{{(hasMore ? "true" : "false")}}}""";

    [Test]
    public async Task ListAsync_DifyPages_FollowsLastIdUntilNoMore()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, DifyPage(true, "a", "b"))
            .Then(HttpStatusCode.OK, DifyPage(true, "c", "d"))
            .Then(HttpStatusCode.OK, DifyPage(false, "e"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListAsync("user 1", new ConversationListOptions { PageSize = 2, Order = ConversationListOrder.OldestFirst }).ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "a", "b", "c", "d", "e" }));
        var queries = handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Uri.Query)).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Requests.Select(r => r.Method), Is.All.EqualTo(HttpMethod.Get));
            Assert.That(handler.Requests[0].Uri.AbsolutePath, Is.EqualTo("/v1/conversations"));
            Assert.That(handler.Requests[0].Uri.Query, Does.Contain("user=user%201"));
            Assert.That(queries.Select(q => q["user"]), Is.All.EqualTo("user 1"));
            Assert.That(queries.Select(q => q["limit"]), Is.All.EqualTo("2"));
            Assert.That(queries.Select(q => q["sort_by"]), Is.All.EqualTo("created_at"));
            Assert.That(queries.Select(q => q["last_id"]), Is.EqualTo(new[] { null, "b", "d" }));
            Assert.That(items[0].Name, Is.EqualTo("n-a"));
            Assert.That(items[0].CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1705407629)));
            Assert.That(items[0].UpdatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1705411229)));
            Assert.That(items[0].Metadata, Is.Empty);
        }
    }

    [Test]
    public async Task ListAsync_OpenAIPages_FollowsAfterWithIsolationHeader()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, OpenAIPage(true, "conv_1", "conv_2"))
            .Then(HttpStatusCode.OK, OpenAIPage(false, "conv_3"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var items = await client.ListAsync("iso-key", new ConversationListOptions { PageSize = 2, Order = ConversationListOrder.NewestFirst }).ToListAsync();

        var queries = handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Uri.Query)).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "conv_1", "conv_2", "conv_3" }));
            Assert.That(items[0].Metadata["k"], Is.EqualTo("v"));
            Assert.That(items[0].CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1741900000)));
            Assert.That(items[0].Name, Is.Null);
            Assert.That(handler.Requests[0].Uri.AbsolutePath, Is.EqualTo("/openai/v1/conversations"));
            Assert.That(queries.Select(q => q["after"]), Is.EqualTo(new[] { null, "conv_2" }));
            Assert.That(queries.Select(q => q["order"]), Is.All.EqualTo("desc"));
            Assert.That(queries.Select(q => q["user"]), Is.All.Null);
            Assert.That(handler.Requests.Select(r => r.Header("x-ms-user-isolation-key")), Is.All.EqualTo("iso-key"));
        }
    }

    [Test]
    public async Task ListAsync_EmptyFirstPage_YieldsNothing()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, DifyPage(false));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListAsync("u").ToListAsync();

        Assert.That(items, Is.Empty);
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ListAsync_HasMoreWithNoItems_ThrowsAfterWhatCame()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, DifyPage(true, "a")).Then(HttpStatusCode.OK, DifyPage(true));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);
        var items = new List<string>();

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var item in client.ListAsync("u"))
            {
                items.Add(item.Id);
            }
        });

        Assert.That(items, Is.EqualTo(new[] { "a" }));
        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ListAsync_IsLazy_AsksForTheNextPageOnlyWhenNeeded()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, DifyPage(true, "a", "b")).Then(HttpStatusCode.OK, DifyPage(false, "c"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var first = await client.ListAsync("u").Take(2).ToListAsync();

        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ListAsync_PageRequestsAreRetried()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.OK, DifyPage(false, "a"));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var items = await client.ListAsync("u").ToListAsync();

        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.MethodNotAllowed)]
    public void ListAsync_OpenAIServiceWithoutListing_ThrowsSayingSo(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Then(status, Responses.OpenAIError("not_found", "Invalid URL (GET /v1/conversations)"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.Message, Does.Contain("OpenAI's public API has no list operation"));
        Assert.That(ex.StatusCode, Is.EqualTo((int)status));
    }

    [Test]
    public void ListAsync_FailureAfterRetries_ThrowsWithTheError()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Unauthorized, Responses.DifyError("unauthorized", "Access token is invalid", 401));
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync("u").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo("unauthorized"));
        Assert.That(ex.Message, Does.Contain("401").And.Not.Contain(TestClients.ApiKey));
    }

    [Test]
    public void ListAsync_UnreadableBody_Throws()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, "<html>login</html>");
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync("u").ToListAsync());

        Assert.That(ex!.Error?.RawBody, Is.EqualTo("<html>login</html>"));
    }

    [Test]
    public void ListAsync_BadArguments_ThrowAtTheCall()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, DifyPage(false));
        var dify = TestClients.Create(ConversationApiDialect.Dify, handler);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => dify.ListAsync(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => dify.ListAsync("u", new ConversationListOptions { PageSize = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => dify.ListAsync("u", new ConversationListOptions { PageSize = 101 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => dify.ListAsync("bad\ud800user"), Throws.ArgumentException.With.Property("ParamName").EqualTo("user"));
        }

        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public void ListAsync_EmptyPageThatSaysMoreAndGivesACursor_ThrowsSayingThePageWasEmpty()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"object":"list","data":[],"last_id":"conv_x","has_more":true}""");
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(ex.Message, Does.Contain("empty page"));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "an empty page is not paged on from, whatever cursor it gives");
    }

    [Test]
    public async Task ListAsync_PageThatGivesTheCursorItWasAskedWith_ThrowsSayingThereIsNoNewPlaceToGoOnFrom()
    {
        // A server that ignores the cursor answers the same page again: never read forever, never short in silence.
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, OpenAIPage(true, "conv_1"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var items = new List<string>();

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var item in client.ListAsync())
            {
                items.Add(item.Id);
            }
        });

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(ex.Message, Does.Contain("no new place to go on from"));
        Assert.That(items, Is.EqualTo(new[] { "conv_1", "conv_1" }));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public void ListAsync_ConnectionFails_ThrowsWithTheConnectionErrorAndTheCause()
    {
        var reset = new HttpRequestException("connection reset");
        var handler = new ScriptedHandler().ThenThrow(reset);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 0);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync().ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
        Assert.That(ex.Message, Does.StartWith("Listing conversations failed: "));
        Assert.That(ex.InnerException, Is.SameAs(reset));
    }
}
