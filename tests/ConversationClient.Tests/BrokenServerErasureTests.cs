using System.Net;
using System.Web;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// What a broken or hostile server can answer an erasure, an export or a listing, and why none of it may end as
/// "erased" or "complete": an empty page that says "more", a cursor it ignores, an item id that would address the
/// conversation, item deletes that do not take, a deletion marker for an item.
/// </summary>
public sealed class BrokenServerErasureTests
{
    private const string Conversation = "conv_1";
    private const string ConversationObject = """{"id":"conv_1","object":"conversation","created_at":1741900000,"metadata":{}}""";

    private static string ItemPage(bool hasMore, params string[] ids) =>
        $$"""{"object":"list","data":[{{string.Join(",", ids.Select(id => $$"""{"type":"message","id":"{{id}}","status":"completed","role":"user","content":[]}"""))}}],"first_id":null,"last_id":"ignored","has_more":{{(hasMore ? "true" : "false")}}}""";

    private const string NotFoundBody = """{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":null}}""";

    private static IConversationClient Client(RoutedHandler handler) => TestClients.Create(ConversationApiDialect.OpenAI, handler);

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) => Responses.Make(status, json);

    /// <summary>A service whose item pages and item deletes the test writes; conversation deletes and looks answer as OpenAI's do.</summary>
    private static RoutedHandler Service(Func<HttpRequestMessage, HttpResponseMessage> items, Func<HttpRequestMessage, HttpResponseMessage>? itemDelete = null) =>
        new(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/items", StringComparison.Ordinal))
            {
                return items(request);
            }

            if (path.Contains("/items/", StringComparison.Ordinal))
            {
                return (itemDelete ?? (_ => Json(ConversationObject)))(request);
            }

            return request.Method == HttpMethod.Delete
                ? Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""")
                : Json("""{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":null}}""", HttpStatusCode.NotFound);
        });

    private static int ConversationDeletes(RoutedHandler handler) =>
        handler.Requests.Count(r => r.Method == HttpMethod.Delete && !r.RequestUri!.AbsolutePath.Contains("/items/", StringComparison.Ordinal));

    [Test]
    public async Task AnEmptyItemPageThatSaysMore_LeavesTheConversationInPlace()
    {
        var handler = Service(_ => Json(ItemPage(hasMore: true)));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("has more items but listed none"));
        Assert.That(ConversationDeletes(handler), Is.Zero, "no item may be stranded");
    }

    [TestCase("..")]
    [TestCase(".")]
    [TestCase("")]
    [TestCase("msg\n1")]
    public async Task AnItemIdThatCannotBeSent_IsNotSent(string id)
    {
        var handler = Service(_ => Json(ItemPage(false, id.Replace("\n", "\\n", StringComparison.Ordinal))));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("cannot be sent"));
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete), Is.Empty, "neither the item nor the conversation");
    }

    [Test]
    public async Task ItemDeletesThatDoNotTake_EndInsteadOfLoopingForever()
    {
        var handler = Service(_ => Json(ItemPage(false, "msg_1", "msg_2")));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("still lists item msg_1"));
        Assert.That(result.ItemsDeleted, Is.EqualTo(2), "each answered once");
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    [Test]
    public async Task AnItemDeleteAnsweredWithADeletionMarker_IsNotConfirmed()
    {
        var listed = 0;
        var handler = Service(
            _ => Json(Interlocked.Increment(ref listed) == 1 ? ItemPage(false, "msg_1") : ItemPage(false)),
            _ => Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}"""));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("deletion marker"));
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    [Test]
    public void ListItems_AnEmptyPageThatSaysMore_Throws()
    {
        var handler = Service(_ => Json(ItemPage(hasMore: true)));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).ListItemsAsync(Conversation).ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(ex.Message, Does.Contain(Conversation).And.Contain("empty page"));
    }

    [Test]
    public void ListItems_AServerThatIgnoresTheCursor_ThrowsInsteadOfLoopingForever()
    {
        var handler = Service(_ => Json(ItemPage(true, "msg_1", "msg_2")));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).ListItemsAsync(Conversation).ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(handler.Requests, Has.Count.EqualTo(2), "the second page gave the same place again");
    }

    [Test]
    public async Task ListItems_PagesOnFromTheLastItemNotFromLastId()
    {
        var handler = Service(request => HttpUtility.ParseQueryString(request.RequestUri!.Query)["after"] is null
            ? Json(ItemPage(true, "msg_1", "msg_2"))
            : Json(ItemPage(false, "msg_3")));

        var items = await Client(handler).ListItemsAsync(Conversation).ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1", "msg_2", "msg_3" }));
        Assert.That(HttpUtility.ParseQueryString(handler.Requests[1].RequestUri!.Query)["after"], Is.EqualTo("msg_2"));
    }

    [Test]
    public void ListAsync_AnEmptyPageThatSaysMore_Throws()
    {
        var handler = new RoutedHandler(_ => Json("""{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":true}"""));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).ListAsync().ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
    }

    // Dify: an empty page from the top asks from the same place again, which was taken for the end of the listing.
    [TestCase(ConversationApiDialect.OpenAI, """{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":true}""")]
    [TestCase(ConversationApiDialect.Dify, """{"limit":20,"has_more":true,"data":[]}""")]
    public async Task EraseUser_AListingPageThatSaysMoreButIsEmpty_IsNotComplete(ConversationApiDialect dialect, string page)
    {
        var handler = new RoutedHandler(_ => Json(page));

        var report = await TestClients.Create(dialect, handler).EraseUserAsync("user-1");

        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.Verified, Is.False);
        Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(report.ListingError?.Message, Does.Contain("empty page"));
    }

    [Test]
    public void ListItems_APageThatGivesDataTwice_IsNotRead()
    {
        var handler = Service(_ => Json("""{"object":"list","data":[{"type":"message","id":"msg_1"}],"data":[{"type":"message","id":"msg_1"}],"has_more":false}"""));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).ListItemsAsync(Conversation).ToListAsync());

        Assert.That(ex!.Error?.Message, Does.Contain("data twice"));
    }

    [TestCase("not UTF-8", "not valid UTF-8")]
    [TestCase("[]", "not a JSON object")]
    [TestCase("""{"object":"list","data":[],"has_more":false} {}""", "after a single JSON value")]
    [TestCase("""{"object":"list","data":[1],"has_more":false}""", "not a JSON object")]
    public void ListItems_APageThatIsNotOne_IsNotRead(string body, string why)
    {
        var handler = Service(_ => body == "not UTF-8"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([(byte)'{', 0xFF, (byte)'}']) }
            : Json(body));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).ListItemsAsync(Conversation).ToListAsync());

        Assert.That(ex!.InnerException?.Message ?? ex.Error?.Message, Does.Contain(why));
    }

    [Test]
    public async Task ListItems_MembersItDoesNotKnowAndNoHasMore_AreSkippedAndEndThePage()
    {
        var handler = Service(_ => Json("""{"object":"list","extra":{"a":[1,{"b":2}]},"first_id":"msg_1","data":[{"type":"message","id":"msg_1"}],"last_id":7}"""));

        var items = await Client(handler).ListItemsAsync(Conversation).ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "msg_1" }));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "no has_more: the last page");
    }

    [Test]
    public async Task ItemsSaidNotFound_ThenTheDeleteAnsweredDone_IsNotAnErasure()
    {
        // The items route says the conversation does not exist, its delete then says it deleted it (a lagging replica, a
        // gateway that maps the route to a not-found body): whatever items it had were never listed.
        var handler = Service(_ => Json(NotFoundBody, HttpStatusCode.NotFound));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
            Assert.That(result.Error?.Message, Does.Contain("its items were not listed"));
            Assert.That(ConversationDeletes(handler), Is.EqualTo(1), "its delete is still sent: not sending it would leave the conversation");
        }
    }

    [Test]
    public async Task ItemsSaidNotFound_AndTheDeleteSaysNotFoundToo_IsNotFoundAndGone()
    {
        var handler = new RoutedHandler(_ => Json(NotFoundBody, HttpStatusCode.NotFound));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
        Assert.That(result.Verification, Is.EqualTo(ErasureVerification.Gone));
    }

    [Test]
    public async Task CanceledDuringTheLook_TheAnsweredDeleteStands_NotAnUnknownOutcome()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new RoutedHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/items", StringComparison.Ordinal) || path.EndsWith("/responses", StringComparison.Ordinal))
            {
                return Json(ItemPage(false));
            }

            if (request.Method == HttpMethod.Delete)
            {
                return Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""");
            }

            // The look: the caller cancels while it is in flight.
            cancel.Cancel();
            throw new OperationCanceledException(cancel.Token);
        });

        var results = new List<DeleteConversationResult>();
        Assert.That(async () =>
        {
            await foreach (var result in Client(handler).EraseConversationsAsync([Conversation], cancellationToken: cancel.Token))
            {
                results.Add(result);
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Single().Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), "the service answered the delete");
            Assert.That(results.Single().Verification, Is.EqualTo(ErasureVerification.NotChecked));
            Assert.That(results.Single().Error, Is.Null);
        }
    }

    [Test]
    public async Task AStopBetweenItemDeletes_LeavesTheConversationInPlace_WithWhatWasDone()
    {
        using var stop = new CancellationTokenSource();
        var deletesAnswered = 0;
        var handler = Service(_ => Json(ItemPage(false, "msg_1", "msg_2", "msg_3")), _ =>
        {
            if (Interlocked.Increment(ref deletesAnswered) == 1)
            {
                stop.Cancel();
            }

            return Json(ConversationObject);
        });

        var result = (await Client(handler).EraseConversationsAsync([Conversation], options: new BulkDeleteOptions { StopToken = stop.Token }).ToListAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
            Assert.That(result.Error?.Message, Does.Contain("stopped"));
            Assert.That(result.ItemsDeleted, Is.EqualTo(1));
            Assert.That(deletesAnswered, Is.EqualTo(1), "no item delete after the stop");
            Assert.That(ConversationDeletes(handler), Is.Zero, "the conversation stays, its items still listable");
        }
    }

    /// <summary>A user with one conversation that the listing keeps showing; its delete answers 404 or deletes; its looks answer as given, in turn.</summary>
    private static RoutedHandler ListedAgain(HttpStatusCode deleteAnswer, params HttpStatusCode[] looks)
    {
        var look = 0;
        return new RoutedHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/conversations", StringComparison.Ordinal))
            {
                return Json("""{"object":"list","data":[{"id":"conv_1","object":"conversation","created_at":1741900000,"metadata":{}}],"first_id":"conv_1","last_id":"conv_1","has_more":false}""");
            }

            if (path.EndsWith("/items", StringComparison.Ordinal) || path.EndsWith("/responses", StringComparison.Ordinal))
            {
                return Json(ItemPage(false));
            }

            const string Missing = """{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":null}}""";
            if (request.Method == HttpMethod.Delete)
            {
                return deleteAnswer == HttpStatusCode.NotFound
                    ? Json(Missing, HttpStatusCode.NotFound)
                    : Json("""{"id":"conv_1","object":"conversation.deleted","deleted":true}""");
            }

            return looks[Math.Min(Interlocked.Increment(ref look), looks.Length) - 1] switch
            {
                HttpStatusCode.NotFound => Json(Missing, HttpStatusCode.NotFound),
                HttpStatusCode.OK => Json(ConversationObject),
                var status => Json("""{"error":{"message":"Refused.","type":"invalid_request_error","param":null,"code":"invalid_param"}}""", status),
            };
        });
    }

    [Test]
    public async Task EraseUser_OpenAIListingThatStillShowsDeletedOnes_PagesOnAfterEachPagesLastId()
    {
        // OpenAI's `after` outlives deletes: the erasure pages on from the page's last id, not from the top again (where
        // a listing that lags would show the deleted ones once more, a list call per page wasted).
        var handler = new RoutedHandler(request =>
        {
            if (request.Method == HttpMethod.Delete)
            {
                var id = request.RequestUri!.Segments[^1];
                return Json($$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}""");
            }

            return HttpUtility.ParseQueryString(request.RequestUri!.Query)["after"] == "conv_b"
                ? Json("""{"object":"list","data":[{"id":"conv_c","object":"conversation","created_at":1741900000,"metadata":{}}],"first_id":"conv_c","last_id":"conv_c","has_more":false}""")
                : Json("""{"object":"list","data":[{"id":"conv_a","object":"conversation","created_at":1741900000,"metadata":{}},{"id":"conv_b","object":"conversation","created_at":1741900000,"metadata":{}}],"first_id":"conv_a","last_id":"conv_b","has_more":true}""");
        });

        var report = await Client(handler).EraseUserAsync("user-1", new BulkDeleteOptions { DeleteItems = false, Verify = false });

        var lists = handler.Requests.Where(r => r.Method == HttpMethod.Get).Select(r => HttpUtility.ParseQueryString(r.RequestUri!.Query)["after"]);
        Assert.That(lists, Is.EqualTo(new[] { null, "conv_b" }));
        Assert.That(report.Deleted, Is.EqualTo(3));
    }

    [Test]
    public async Task EraseUser_NotFoundThenStillThere_MovesItFromNotFoundToFailures()
    {
        var handler = ListedAgain(HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK);

        var results = await Client(handler).EraseUserStreamingAsync("user-1").ToListAsync();
        var report = await Client(ListedAgain(HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK)).EraseUserAsync("user-1");

        Assert.That(results.Select(r => (r.Outcome, r.Verification)), Is.EqualTo(new[]
        {
            (DeleteConversationOutcome.NotFound, ErasureVerification.Gone),
            (DeleteConversationOutcome.Failed, ErasureVerification.StillPresent),
        }));
        Assert.That(report.NotFound, Is.Zero);
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.StillPresent, Is.EqualTo(new[] { Conversation }));
    }

    [Test]
    public async Task EraseUser_GoneThenTheSecondLookFails_IsNotVerified()
    {
        var report = await Client(ListedAgain(HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.BadRequest)).EraseUserAsync("user-1");

        Assert.That(report.Deleted, Is.EqualTo(1));
        Assert.That(report.Failures, Is.Empty);
        Assert.That(report.Verified, Is.False, "the second look could not tell");
        Assert.That(report.IsComplete, Is.False);
    }

    [Test]
    public async Task EraseUser_AnEmptyListingPageThatSaysMoreWithACursor_IsNotComplete()
    {
        var handler = new RoutedHandler(_ => Json("""{"object":"list","data":[],"first_id":null,"last_id":"conv_x","has_more":true}"""));

        var report = await Client(handler).EraseUserAsync("user-1");

        Assert.That(report.IsComplete, Is.False);
        Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(report.ListingError?.Message, Does.Contain("empty page"));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "an empty page is not paged on from, whatever cursor it gives");
    }

    [Test]
    public async Task ItemsThatCannotBeListed_LeaveTheConversationInPlace()
    {
        var handler = Service(_ => Json("""{"error":{"message":"Refused.","type":"invalid_request_error","param":null,"code":"invalid_param"}}""", HttpStatusCode.BadRequest));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("could not be listed: Refused."));
        Assert.That(result.StatusCode, Is.EqualTo(400));
        Assert.That(ConversationDeletes(handler), Is.Zero, "its items would be stranded");
    }

    [Test]
    public async Task AnItemDeleteRefusedWithACodeAlone_LeavesTheConversationInPlaceNamingTheCode()
    {
        // The result's code is items_left: the item delete's own error, which gives no message, is told by its code.
        var handler = Service(
            _ => Json(ItemPage(false, "msg_1")),
            _ => Json("""{"error":{"code":"item_locked"}}""", HttpStatusCode.BadRequest));

        var result = (await Client(handler).EraseConversationsAsync([Conversation]).ToListAsync()).Single();

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
        Assert.That(result.Error?.Message, Does.Contain("deleting item msg_1 failed after 1 attempt: item_locked;"));
        Assert.That(ConversationDeletes(handler), Is.Zero);
    }

    [Test]
    public void EraseUserStreaming_ListingFails_Throws()
    {
        var handler = new RoutedHandler(_ => Json("""{"error":{"message":"Invalid 'limit'.","type":"invalid_request_error","param":"limit","code":"invalid_value"}}""",
            HttpStatusCode.BadRequest));

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await Client(handler).EraseUserStreamingAsync("user-1").ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo("invalid_value"));
    }
}
