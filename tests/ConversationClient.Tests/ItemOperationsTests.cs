using System.Net;
using System.Web;
using ConversationClient.Internal;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>The item operations the erasure calls (<see cref="IBatchOperations"/>): an item delete, a conversation get, an item page as a value.</summary>
public sealed class ItemOperationsTests
{
    private const string IsolationHeader = ConversationClientOptions.DefaultUserIsolationHeaderName;
    private const string ConversationObject = """{"id":"conv_1","object":"conversation","created_at":1741900000,"metadata":{}}""";

    private static IBatchOperations Operations(ConversationApiDialect dialect, ScriptedHandler handler, Action<ConversationClientOptions>? configure = null) =>
        (IBatchOperations)TestClients.Create(dialect, handler, configure);

    private static BatchPacer Pacer() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeProvider.System);

    [Test]
    public async Task DeleteItemAsync_AnsweredByTheConversationObject_Succeeds()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, ConversationObject);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", "iso-key", Pacer(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Succeeded));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(handler.Single.Method, Is.EqualTo(HttpMethod.Delete));
            Assert.That(handler.Single.Uri.AbsolutePath, Is.EqualTo("/openai/v1/conversations/conv_1/items/msg_1"));
            Assert.That(handler.Single.Header(IsolationHeader), Is.EqualTo("iso-key"));
        }
    }

    [Test]
    public async Task DeleteItemAsync_BodyNamingAnotherConversation_FailsUnconfirmed()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"id":"conv_2","object":"conversation","created_at":1741900000,"metadata":{}}""");
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
            Assert.That(result.Error!.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
            Assert.That(result.Error.Message, Does.Contain("conv_2").And.Contain("item's deletion"));
            Assert.That(handler.Requests, Has.Count.EqualTo(1), "an unconfirmed answer is not retried");
        }
    }

    [TestCase("<html>OK</html>")]
    [TestCase("""{"error":{"message":"gateway says no","type":"server_error"}}""")]
    [TestCase("""{"deleted":false}""")]
    public async Task DeleteItemAsync_2xxThatConfirmsNothing_Fails(string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
    }

    [TestCase("""{"error":{"message":"Item with id 'msg_1' not found.","type":"invalid_request_error","param":null,"code":null}}""")]
    [TestCase(Responses.OpenAINotFound)]
    public async Task DeleteItemAsync_ItemOrConversationNotFound_IsNotFound(string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.NotFound));
    }

    [Test]
    public async Task DeleteItemAsync_RouteMiss_FailsEndpointNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, """{"error":{"message":"Invalid URL (DELETE /v1/conversations/conv_1/items/msg_1)","type":"invalid_request_error"}}""");
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
        Assert.That(result.Error!.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [Test]
    public async Task DeleteItemAsync_ConnectionFails_FailsWithAttempts()
    {
        var handler = new ScriptedHandler().ThenThrow(new HttpRequestException("reset"));
        var operations = Operations(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 1);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
            Assert.That(result.Error!.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(result.StatusCode, Is.Null);
        }
    }

    [Test]
    public void Dify_DeletesItemsWithConversationAndHasNoItemDelete()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK);
        var dify = Operations(ConversationApiDialect.Dify, handler);
        var openAI = Operations(ConversationApiDialect.OpenAI, handler);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dify.DeletesItemsWithConversation, Is.True);
            Assert.That(openAI.DeletesItemsWithConversation, Is.False);
            Assert.That(() => dify.DeleteItemAsync("c", "m", "u", Pacer(), CancellationToken.None), Throws.InstanceOf<NotSupportedException>());
            Assert.That(handler.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task GetConversationAsync_OpenAI_FoundThenGone()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, ConversationObject)
            .Then(HttpStatusCode.NotFound, Responses.OpenAINotFound);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var found = await operations.GetConversationAsync("conv_1", "iso-key", null, CancellationToken.None);
        var gone = await operations.GetConversationAsync("conv_1", "iso-key", null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Outcome, Is.EqualTo(CallOutcome.Succeeded));
            Assert.That(gone.Outcome, Is.EqualTo(CallOutcome.NotFound));
            Assert.That(handler.Requests.Select(r => r.Method), Is.All.EqualTo(HttpMethod.Get));
            Assert.That(handler.Requests.Select(r => r.Uri.AbsolutePath), Is.All.EqualTo("/openai/v1/conversations/conv_1"));
            Assert.That(handler.Requests.Select(r => r.Header(IsolationHeader)), Is.All.EqualTo("iso-key"));
        }
    }

    [Test]
    public async Task GetConversationAsync_OpenAIObjectOfAnyShape_IsFoundWithoutABodyCheck()
    {
        // A get's 2xx is not a delete answer: no "deleted": true is needed.
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"id":"conv_1","object":"conversation"}""");
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.GetConversationAsync("conv_1", null, null, CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Succeeded));
    }

    [Test]
    public async Task GetConversationAsync_Dify_AsksForTheNewestMessageAndReadsConversationNotExistsAsGone()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, ListItemsTests.DifyMessages(true, "m9"))
            .Then(HttpStatusCode.NotFound, Responses.DifyNotFound);
        var operations = Operations(ConversationApiDialect.Dify, handler);

        var found = await operations.GetConversationAsync("conv-1", "user 1", null, CancellationToken.None);
        var gone = await operations.GetConversationAsync("conv-1", "user 1", null, CancellationToken.None);

        var query = HttpUtility.ParseQueryString(handler.Requests[0].Uri.Query);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Outcome, Is.EqualTo(CallOutcome.Succeeded));
            Assert.That(gone.Outcome, Is.EqualTo(CallOutcome.NotFound));
            Assert.That(handler.Requests[0].Uri.AbsolutePath, Is.EqualTo("/v1/messages"));
            Assert.That(query["conversation_id"], Is.EqualTo("conv-1"));
            Assert.That(query["user"], Is.EqualTo("user 1"));
            Assert.That(query["limit"], Is.EqualTo("1"));
            Assert.That(query["first_id"], Is.Null);
        }
    }

    [Test]
    public async Task GetConversationAsync_DifyRouteMissWithANonUuidId_IsEndpointNotFoundNotTheDeletesUuidError()
    {
        // The messages take the id in the query: Dify's "only UUID routes" explanation belongs to the delete only.
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, "<p>The requested URL was not found on the server.</p>");
        var operations = Operations(ConversationApiDialect.Dify, handler);

        var result = await operations.GetConversationAsync("not-a-uuid", "u", null, CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
        Assert.That(result.Error!.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
    }

    [Test]
    public async Task GetConversationAsync_ServerErrorAfterRetries_Fails()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.InternalServerError, Responses.OpenAIError("server_error", "boom", "server_error"));
        var operations = Operations(ConversationApiDialect.OpenAI, handler, o => o.Retry.MaxRetries = 1);

        var result = await operations.GetConversationAsync("conv_1", null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(500));
            Assert.That(result.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ReadItemPageAsync_ConversationGone_IsAValueThatSaysSo()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.NotFound, Responses.OpenAINotFound)
            .Then(HttpStatusCode.NotFound, "");
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var gone = await operations.ReadItemPageAsync("conv_1", null, null, 100, ConversationListOrder.OldestFirst, null, CancellationToken.None);
        var routeMiss = await operations.ReadItemPageAsync("conv_1", null, null, 100, ConversationListOrder.OldestFirst, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gone.Succeeded, Is.False);
            Assert.That(gone.Gone, Is.True);
            Assert.That(gone.Failure!.Error!.Code, Is.EqualTo(ConversationApiError.NotFoundCode));
            Assert.That(routeMiss.Gone, Is.False);
            Assert.That(routeMiss.Failure!.Error!.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
        }
    }

    [Test]
    public async Task ReadItemPageAsync_Page_GivesItsItemsAndCursor()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, ListItemsTests.OpenAIItems(true, "msg_1", "msg_2"));
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var read = await operations.ReadItemPageAsync("conv_1", null, "msg_0", 2, ConversationListOrder.NewestFirst, null, CancellationToken.None);

        var query = HttpUtility.ParseQueryString(handler.Single.Uri.Query);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Succeeded, Is.True);
            Assert.That(read.Page!.Items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1", "msg_2" }));
            Assert.That(read.Page.HasMore, Is.True);
            Assert.That(read.Page.NextCursor, Is.EqualTo("msg_2"));
            Assert.That(query["after"], Is.EqualTo("msg_0"));
            Assert.That(query["order"], Is.EqualTo("desc"));
            Assert.That(query["limit"], Is.EqualTo("2"));
        }
    }

    [Test]
    public async Task ReadItemPageAsync_DifyPage_NextCursorIsItsFirstMessage()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, ListItemsTests.DifyMessages(true, "m3", "m4"));
        var operations = Operations(ConversationApiDialect.Dify, handler);

        var read = await operations.ReadItemPageAsync("conv-1", "u", "m5", 2, ConversationListOrder.OldestFirst, null, CancellationToken.None);

        Assert.That(read.Page!.NextCursor, Is.EqualTo("m3"));
        Assert.That(HttpUtility.ParseQueryString(handler.Single.Uri.Query)["first_id"], Is.EqualTo("m5"));
    }

    // A gateway's 404 that names neither the item (or response) nor the conversation is about the address: a failure to
    // look at, never "not found" (which an erasure would take as already deleted).
    private const string GatewayNotFound = """{"error":{"code":"404","message":"Resource not found"}}""";

    [Test]
    public async Task DeleteItemAsync_404ThatDoesNotSpeakOfTheItem_IsNotNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, GatewayNotFound);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteItemAsync("conv_1", "msg_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
    }

    [Test]
    public async Task DeleteResponseAsync_404ThatDoesNotSpeakOfTheResponse_IsNotNotFound()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, GatewayNotFound);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteResponseAsync("conv_1", "resp_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.Failed));
    }

    [TestCase("""{"error":{"message":"Response with id 'resp_1' not found.","type":"invalid_request_error","param":null,"code":null}}""")]
    [TestCase(Responses.OpenAINotFound)]
    public async Task DeleteResponseAsync_ResponseOrConversationNotFound_IsNotFound(string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, body);
        var operations = Operations(ConversationApiDialect.OpenAI, handler);

        var result = await operations.DeleteResponseAsync("conv_1", "resp_1", null, Pacer(), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(CallOutcome.NotFound));
    }
}
