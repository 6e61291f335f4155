using System.Collections.Concurrent;
using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// Azure AI Foundry lists the stored responses linked to a conversation (<c>GET /responses?conversation_id=</c>), and
/// they outlive the conversation's delete: an erasure deletes them first, counts them, and never claims it did where
/// it could not list them (OpenAI's public API, an endpoint that does not serve the list).
/// </summary>
public sealed class StoredResponseErasureTests
{
    private const string User = "user-1";
    private const string PublicOpenAIBase = "https://api.openai.com/v1";

    private static IConversationClient Client(HttpMessageHandler handler, string? baseAddress = null) =>
        ConversationClientFactory.Create(
            TestClients.Options(ConversationApiDialect.OpenAI, options =>
            {
                if (baseAddress is not null)
                {
                    options.BaseAddress = new Uri(baseAddress);
                }
            }),
            handler, TimeProvider.System, () => 0.5);

    [Test]
    public async Task EraseUserAsync_Azure_DeletesEveryStoredResponseBeforeTheItemsAndCountsThem()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(6, User, items: 2, responses: 3);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { PageSize = 4, MaxConcurrency = 2 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.ResponsesDeleted, Is.EqualTo(18));
            Assert.That(report.ResponsesNotChecked, Is.Zero);
            Assert.That(report.ItemsDeleted, Is.EqualTo(12));
            Assert.That(service.ResponseDeleteCalls, Has.Count.EqualTo(18));
            Assert.That(ids.Select(id => service.CountResponses(id, User)), Is.All.Zero);
            Assert.That(service.CountOrphanedResponses(User), Is.Zero, "no stored response is left behind its conversation");
            Assert.That(service.Counters.ResponsesDeleted, Is.EqualTo(18));
            Assert.That(report.ToString(), Does.Contain("18 stored responses deleted"));
        }
    }

    [Test]
    public async Task EraseConversationsAsync_Azure_ResponsesGoFirstThenItemsThenTheConversation()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var id = service.Seed(1, User, items: 1, responses: 2)[0];
        var recorder = new Recorder(service);

        var result = (await Client(recorder).EraseConversationsAsync([id], User).ToListAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.ResponsesDeleted, Is.EqualTo(2));
        Assert.That(result.ItemsDeleted, Is.EqualTo(1));
        Assert.That(recorder.Calls.Select(Shape), Is.EqualTo(new[]
        {
            "GET responses", "DELETE response", "DELETE response", "GET responses",
            "GET items", "DELETE item", "GET items",
            "DELETE conversation", "GET conversation",
        }));
        Assert.That(recorder.Calls[0], Does.EndWith($"/openai/v1/responses?conversation_id={id}&limit=100&order=asc"));
    }

    [Test]
    public async Task EraseConversationsAsync_OpenAIPublicApi_NeverListsStoredResponsesAndDoesNotClaimThem()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(2, User, items: 1, responses: 2);
        var recorder = new Recorder(service);

        var results = await Client(recorder, PublicOpenAIBase).EraseConversationsAsync(ids, User).ToListAsync();

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(results.Select(r => r.ResponsesDeleted), Is.All.Null, "not checked: OpenAI's public API cannot list them");
        Assert.That(recorder.Calls, Has.None.Contains("/responses"));
        Assert.That(service.CountOrphanedResponses(User), Is.EqualTo(4), "what the ErasureLimit for OpenAI's stored responses says stays");
    }

    [Test]
    public async Task EraseConversationsAsync_AzurePathBehindAnotherHost_ListsStoredResponses()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(1, User, responses: 2);

        var result = (await Client(service, "https://gateway.contoso.example/openai/v1").EraseConversationsAsync(ids, User).ToListAsync()).Single();

        Assert.That(result.ResponsesDeleted, Is.EqualTo(2));
        Assert.That(service.CountOrphanedResponses(User), Is.Zero);
    }

    [TestCase(404)]
    [TestCase(405)]
    public async Task EraseUserAsync_TheEndpointDoesNotServeTheList_GoesOnAndSaysTheResponsesWereNotChecked(int status)
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI) { ResponseListingStatus = status };
        service.Seed(3, User, items: 2, responses: 1);

        var report = await Client(service).EraseUserAsync(User);
        var streamed = await Client(service).EraseConversationsAsync(service.Seed(1, User), User).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Deleted, Is.EqualTo(3), "the conversations are erased all the same");
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.ItemsDeleted, Is.EqualTo(6));
            Assert.That(report.ResponsesDeleted, Is.Zero);
            Assert.That(report.ResponsesNotChecked, Is.EqualTo(3));
            Assert.That(report.ToString(), Does.Contain("stored responses of 3 not checked"));
            Assert.That(service.ResponseDeleteCalls, Is.Empty);
            Assert.That(service.CountOrphanedResponses(User), Is.EqualTo(3), "never claimed as erased");
            Assert.That(streamed.Single().ResponsesDeleted, Is.Null);
            Assert.That(streamed.Single().Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        }
    }

    [Test]
    public async Task EraseUserAsync_TheListingFailsOtherwise_LeavesTheConversationInPlace()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI) { ResponseListingStatus = 400 };
        var id = service.Seed(1, User, items: 2, responses: 1)[0];

        var report = await Client(service).EraseUserAsync(User);

        var failure = report.Failures.Single();
        Assert.That(failure.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(failure.Error?.Message, Does.Contain("its stored responses could not be listed").And.Contain("0 stored responses deleted"));
        Assert.That(failure.StatusCode, Is.EqualTo(400));
        Assert.That(report.IsComplete, Is.False);
        Assert.That(service.DeleteCalls, Is.Empty, "the conversation stays, so its responses can still be listed by it");
        Assert.That(service.CountItems(id, User), Is.EqualTo(2), "nothing of it is touched before its responses are gone");
    }

    [Test]
    public async Task EraseUserAsync_AResponseDeleteFails_LeavesTheConversationInPlaceAndARerunFinishes()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        var ids = service.Seed(2, User, items: 1, responses: 3);
        var stuck = ids[1];
        var second = service.ResponseIds(stuck, User)[1];
        service.FailingIds.Add(second);

        var report = await Client(service).EraseUserAsync(User);

        using (Assert.EnterMultipleScope())
        {
            var failure = report.Failures.Single();
            Assert.That(failure.ConversationId, Is.EqualTo(stuck));
            Assert.That(failure.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
            Assert.That(failure.Error?.Message, Does.Contain($"deleting stored response {second} failed").And.Contain("1 stored response deleted"));
            Assert.That(failure.ResponsesDeleted, Is.EqualTo(1));
            Assert.That(failure.ItemsDeleted, Is.Zero);
            Assert.That(report.ResponsesDeleted, Is.EqualTo(4));
            Assert.That(service.DeleteCalls.ContainsKey(stuck), Is.False);
            Assert.That(service.CountResponses(stuck, User), Is.EqualTo(2));
            Assert.That(service.CountItems(stuck, User), Is.EqualTo(1));
        }

        service.FailingIds.Clear();
        var rerun = await Client(service).EraseUserAsync(User);

        Assert.That(rerun.IsComplete, Is.True, rerun.ToString());
        Assert.That(rerun.ResponsesDeleted, Is.EqualTo(2));
        Assert.That(service.CountOrphanedResponses(User), Is.Zero);
        Assert.That(service.CountOrphanedItems(User), Is.Zero);
    }

    [Test]
    public async Task EraseUserAsync_WithoutTheItemStep_LeavesStoredResponsesAndDoesNotClaimThem()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI);
        service.Seed(2, User, responses: 2);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { DeleteItems = false });

        Assert.That(report.ResponsesDeleted, Is.Zero);
        Assert.That(service.Counters.ResponseListPages, Is.Zero);
        Assert.That(service.CountOrphanedResponses(User), Is.EqualTo(4), "what DeleteItems is for");
    }

    [Test]
    public async Task EraseUserAsync_Dify_HasNoStoredResponseStep()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        service.Seed(2, User, items: 2);

        var report = await ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.Dify), service, TimeProvider.System, () => 0.5)
            .EraseUserAsync(User);

        Assert.That(report.IsComplete, Is.True, report.ToString());
        Assert.That(report.ResponsesDeleted, Is.Zero);
        Assert.That(report.ResponsesNotChecked, Is.Zero);
    }

    private static string ResponsePage(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","object":"response","created_at":1741900000,"status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"{\"id\":\"resp_fake\"}"}]}]}"""))}}],"first_id":null,"last_id":"ignored","has_more":{{(hasMore ? "true" : "false")}}}""";

    /// <summary>
    /// One conversation, conv_1, whose stored-response pages and response deletes the test writes (after the first
    /// delete answered, the page comes back empty unless <paramref name="listedAgain"/>); items none; the conversation
    /// deletes and is gone when asked for.
    /// </summary>
    private static RoutedHandler Hostile(Func<string> page, Func<HttpRequestMessage, HttpResponseMessage>? responseDelete = null, bool listedAgain = false)
    {
        var deletes = 0;
        var listings = 0;
        return new RoutedHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/responses", StringComparison.Ordinal))
            {
                // An erasure that would list forever ends here, so that the test fails instead of hanging.
                return Interlocked.Increment(ref listings) > 20
                    ? Responses.Make(HttpStatusCode.BadRequest, Responses.OpenAIError("too_many_listings", "Listed too often."))
                    : Responses.Make(HttpStatusCode.OK, Volatile.Read(ref deletes) > 0 && !listedAgain ? ResponsePage(false) : page());
            }

            if (path.Contains("/responses/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref deletes);
                return (responseDelete ?? (r => Responses.Make(HttpStatusCode.OK,
                    $$"""{"id":"{{r.RequestUri!.Segments[^1]}}","object":"response","deleted":true}""")))(request);
            }

            if (path.EndsWith("/items", StringComparison.Ordinal))
            {
                return Responses.Make(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""");
            }

            return request.Method == HttpMethod.Delete
                ? Responses.Make(HttpStatusCode.OK, Responses.OpenAIDeleted)
                : Responses.Make(HttpStatusCode.NotFound, Responses.OpenAINotFound);
        });
    }

    private static async Task<DeleteConversationResult> EraseOne(RoutedHandler handler) =>
        (await Client(handler).EraseConversationsAsync(["conv_1"], User).ToListAsync()).Single();

    private static int ConversationDeletes(RoutedHandler handler) =>
        handler.Requests.Count(r => r.Method == HttpMethod.Delete && r.RequestUri!.AbsolutePath.EndsWith("/conversations/conv_1", StringComparison.Ordinal));

    [Test]
    public async Task AnEmptyResponsePageThatSaysMore_LeavesTheConversationInPlace()
    {
        var handler = Hostile(() => ResponsePage(hasMore: true));

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("has more stored responses but listed none"));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty);
    }

    [TestCase("..")]
    [TestCase("")]
    [TestCase("resp\n1")]
    public async Task AResponseIdThatCannotBeSent_IsNotSent(string id)
    {
        var handler = Hostile(() => ResponsePage(false, id.Replace("\n", "\\n", StringComparison.Ordinal)));

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("stored response whose id cannot be sent"));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty, "neither the response nor the conversation");
    }

    [TestCase("""{"id":"conv_other"}""")]
    [TestCase("\"conv_other\"")]
    public async Task AListedResponseOfAnotherConversation_IsNotDeleted(string conversation)
    {
        // A listing that ignores conversation_id (or a server that answers every response of the user): deleting what
        // it lists would erase responses of conversations nobody asked to erase.
        var handler = Hostile(() => """{"object":"list","data":[{"id":"resp_1","object":"response","conversation":""" + conversation + """}],"has_more":false}""");

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("could not be listed").And.Contain("another conversation"));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty, "neither the response nor the conversation");
    }

    [TestCase("""{"id":"conv_1"}""")]
    [TestCase("\"conv_1\"")]
    [TestCase("null")]
    public async Task AListedResponseOfThisConversationOrOfNoneNamed_IsDeleted(string conversation)
    {
        var handler = Hostile(() => """{"object":"list","data":[{"id":"resp_1","object":"response","conversation":""" + conversation + """}],"has_more":false}""");

        var result = await EraseOne(handler);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.Error?.Message);
        Assert.That(result.ResponsesDeleted, Is.EqualTo(1));
    }

    [Test]
    public async Task ResponseDeletesThatDoNotTake_EndInsteadOfLoopingForever()
    {
        var handler = Hostile(() => ResponsePage(false, "resp_1", "resp_2"), listedAgain: true);

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("still lists stored response resp_1 after answering its delete"));
        Assert.That(result.ResponsesDeleted, Is.EqualTo(2));
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    [TestCase("""{"id":"resp_other","object":"response","deleted":true}""", ConversationApiError.UnexpectedResponseCode, "names response 'resp_other'")]
    [TestCase("""{"id":"resp_1","object":"response","deleted":false}""", ConversationApiError.NotDeletedCode, "'deleted': false")]
    [TestCase("""{"error":{"message":"No.","type":"invalid_request_error","param":null,"code":"refused"}}""", "refused", "No.")]
    [TestCase("""<html>OK</html>""", ConversationApiError.UnexpectedResponseCode, "not one well-formed JSON object")]
    public async Task AResponseDeleteAnsweredWithoutConfirmation_LeavesTheConversationInPlace(string body, string code, string says)
    {
        var handler = Hostile(() => ResponsePage(false, "resp_1"), _ => Responses.Make(HttpStatusCode.OK, body));

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("deleting stored response resp_1 failed").And.Contain(says));
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    [TestCase(null)]
    [TestCase("""{"id":"resp_1","object":"response"}""")]
    [TestCase("""{"id":"resp_1","object":"response","deleted":true}""")]
    public async Task AResponseDeleteConfirmedByAnEmptyOrMatchingBody_Counts(string? body)
    {
        var handler = Hostile(() => ResponsePage(false, "resp_1"), _ => Responses.Make(HttpStatusCode.OK, body));

        var result = await EraseOne(handler);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.ResponsesDeleted, Is.EqualTo(1));
        Assert.That(handler.Calls.Count(c => c.StartsWith("DELETE /openai/v1/responses/resp_1", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task AStopBetweenResponseDeletes_LeavesTheConversationInPlace_WithWhatWasDone()
    {
        using var stop = new CancellationTokenSource();
        var deletesAnswered = 0;
        var handler = Hostile(() => ResponsePage(false, "resp_1", "resp_2", "resp_3"), request =>
        {
            if (Interlocked.Increment(ref deletesAnswered) == 1)
            {
                stop.Cancel();
            }

            return Responses.Make(HttpStatusCode.OK, $$"""{"id":"{{request.RequestUri!.Segments[^1]}}","object":"response","deleted":true}""");
        }, listedAgain: true);

        var result = (await Client(handler).EraseConversationsAsync(["conv_1"], User, new BulkDeleteOptions { StopToken = stop.Token }).ToListAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
            Assert.That(result.Error?.Message, Does.Contain("stopped before all its stored responses were deleted"));
            Assert.That(result.ResponsesDeleted, Is.EqualTo(1));
            Assert.That(deletesAnswered, Is.EqualTo(1), "no response delete after the stop");
            Assert.That(ConversationDeletes(handler), Is.Zero);
        }
    }

    [Test]
    public async Task AResponseAlreadyGone_IsNotCountedButDoesNotStopTheErasure()
    {
        var handler = Hostile(() => ResponsePage(false, "resp_1"), _ => Responses.Make(HttpStatusCode.NotFound,
            """{"error":{"message":"Response with id 'resp_1' not found.","type":"invalid_request_error","param":null,"code":null}}"""));

        var result = await EraseOne(handler);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), result.ToString());
        Assert.That(result.ResponsesDeleted, Is.Zero);
    }

    [Test]
    public async Task AResponsePageThatIsNotOne_LeavesTheConversationInPlace()
    {
        var handler = Hostile(() => """{"object":"list","data":[{"object":"response"}],"has_more":false}""");

        var result = await EraseOne(handler);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("could not be listed").And.Contain("A response has no id"));
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    private static string Shape(string call)
    {
        var (method, path) = (call[..call.IndexOf(' ', StringComparison.Ordinal)], call[(call.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        path = path.Split('?')[0];
        var kind = path.Contains("/responses/", StringComparison.Ordinal) ? "response"
            : path.EndsWith("/responses", StringComparison.Ordinal) ? "responses"
            : path.Contains("/items/", StringComparison.Ordinal) ? "item"
            : path.EndsWith("/items", StringComparison.Ordinal) ? "items"
            : "conversation";
        return $"{method} {kind}";
    }

    /// <summary>Records each request's method and path and query, in order, then hands it on.</summary>
    private sealed class Recorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public IReadOnlyList<string> Calls => [.. _calls];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _calls.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
