using System.Net;
using ConversationClient.Internal;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

public sealed class BulkDeleteTests
{
    private static IConversationClient Client(HttpMessageHandler handler, ConversationApiDialect dialect = ConversationApiDialect.Dify,
        TimeProvider? clock = null, Action<ConversationClientOptions>? configure = null) =>
        ConversationClientFactory.Create(TestClients.Options(dialect, configure), handler, clock ?? TimeProvider.System, () => 0.5);

    [Test]
    public async Task DeleteManyAsync_EveryDistinctIdYieldsExactlyOneResult()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var seeded = service.Seed(50, "u");
        var missing = Guid.NewGuid().ToString("D");
        var ids = seeded.Concat([seeded[3], seeded[3], seeded[49], missing]).ToList();

        var results = await Client(service).DeleteManyAsync(ids, "u").ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.ConversationId), Is.Unique);
            Assert.That(results, Has.Count.EqualTo(51));
            Assert.That(results.Count(r => r.Outcome == DeleteConversationOutcome.Deleted), Is.EqualTo(50));
            Assert.That(results.Single(r => r.ConversationId == missing).Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1), "no id is sent twice");
            Assert.That(service.Count, Is.Zero);
        }
    }

    [Test]
    public async Task DeleteManyAsync_InvalidIds_AreReportedFailedAndNotSent()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(1, "u");

        var results = await Client(service).DeleteManyAsync([ids[0], "", "..", "a\nb"], "u").ToListAsync();

        Assert.That(results, Has.Count.EqualTo(4));
        Assert.That(results.Where(r => r.ConversationId != ids[0]).Select(r => r.Error?.Code), Is.All.EqualTo(ConversationApiError.InvalidIdCode));
        Assert.That(service.DeleteCalls.Keys, Is.EqualTo(new[] { ids[0] }));
    }

    [Test]
    public void DeleteManyAsync_NullId_ThrowsWhenReached()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.Dify);

        Assert.That(async () => await Client(service).DeleteManyAsync(["a", null!], "u").ToListAsync(),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("conversationIds"));
    }

    [Test]
    public void DeleteManyAsync_IdSourceThrowsItsOwnCancellation_TheEnumerationThrows()
    {
        static async IAsyncEnumerable<string> Ids(string first)
        {
            yield return first;
            await Task.Yield();
            throw new TaskCanceledException("the id source's own timeout");
        }

        var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(1, "u");

        Assert.That(async () => await Client(service).DeleteManyAsync(Ids(ids[0]), "u").ToListAsync(), Throws.InstanceOf<TaskCanceledException>());
    }

    [Test]
    public async Task DeleteManyAsync_IdsDifferingOnlyInUnpairedSurrogates_AreTwoResults()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);

        var results = await Client(handler).DeleteManyAsync(["x\uD800", "x\uDC00", "ok\uD83D\uDE00"], "u").ToListAsync();

        Assert.That(results, Has.Count.EqualTo(3));
        Assert.That(results.Count(r => r.Error?.Code == ConversationApiError.InvalidIdCode), Is.EqualTo(2));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "a well-formed pair is sent");
    }

    [Test]
    public void DeleteManyAsync_BadArguments_ThrowAtTheCall()
    {
        var client = Client(new InMemoryConversationService(ConversationApiDialect.Dify));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => client.DeleteManyAsync((IEnumerable<string>)null!, "u"), Throws.ArgumentNullException);
            Assert.That(() => client.DeleteManyAsync(["a"]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => client.DeleteManyAsync(["a"], "u", new BulkDeleteOptions { MaxConcurrency = 0 }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options.MaxConcurrency"));
            Assert.That(() => client.DeleteManyAsync(["a"], "u", new BulkDeleteOptions { MaxConcurrency = 65 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(16)]
    public async Task DeleteManyAsync_ConcurrencyNeverExceedsTheLimit(int limit)
    {
        var service = new InMemoryConversationService(ConversationApiDialect.OpenAI) { DeleteLatency = TimeSpan.FromMilliseconds(5) };
        var ids = service.Seed(80, null);

        var results = await Client(service, ConversationApiDialect.OpenAI)
            .DeleteManyAsync(ids, options: new BulkDeleteOptions { MaxConcurrency = limit })
            .ToListAsync();

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(service.MaxInFlight, Is.LessThanOrEqualTo(limit));
        Assert.That(service.MaxInFlight, Is.GreaterThan(limit / 2), "the batch does run in parallel");
    }

    [Test]
    public async Task DeleteManyAsync_ReadsIdsLazily()
    {
        var produced = 0;
        IEnumerable<string> Ids()
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                produced++;
                yield return $"id-{i}";
            }
        }

        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var first = await Client(handler).DeleteManyAsync(Ids(), "u", new BulkDeleteOptions { MaxConcurrency = 2 }).Take(3).ToListAsync();

        Assert.That(first, Has.Count.EqualTo(3));
        Assert.That(produced, Is.LessThan(20), "only what the concurrency and the result buffer need is read ahead");
    }

    [Test]
    public async Task DeleteManyAsync_CallerBusyWithAResult_TheBatchRunsAheadByItsConcurrency()
    {
        // The caller works on its first result and asks for no other: the deletes in flight finish meanwhile and hand
        // their slots on, so the batch goes on until as many results as its concurrency wait for the caller, beside as
        // many deletes again that hold their slots. A slow caller is not the batch's pace.
        const int Limit = 4;
        var handler = new RoutedHandler(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var ids = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid().ToString("D"));

        await using var results = Client(handler).DeleteManyAsync(ids, "u", new BulkDeleteOptions { MaxConcurrency = Limit }).GetAsyncEnumerator();
        Assert.That(await results.MoveNextAsync(), Is.True);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (handler.Requests.Count < 1 + (2 * Limit) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(handler.Requests, Has.Count.GreaterThanOrEqualTo(1 + (2 * Limit)));
    }

    // A refusal (429) is tried again at the batch's pace; a 503 that names a wait is retried on the call's own retries
    // and pauses the batch too. Either way no delete starts until the server's wait is over.
    [TestCase(HttpStatusCode.TooManyRequests, "too_many_requests")]
    [TestCase(HttpStatusCode.ServiceUnavailable, "service_unavailable")]
    public async Task DeleteManyAsync_AnswerWithRetryAfter_PausesTheWholeBatch(HttpStatusCode status, string code)
    {
        var clock = new TestClock();
        var answered = 0;
        var handler = new ScriptedHandler(clock).Then(_ => Task.FromResult(Interlocked.Increment(ref answered) == 3
            ? Responses.Make(status, Responses.DifyError(code, "Slow down.", (int)status), r => r.Headers.Add("Retry-After", "10"))
            : Responses.Make(HttpStatusCode.NoContent)));
        var client = Client(handler, clock: clock);

        var results = await clock.RunAsync(client.DeleteManyAsync(Enumerable.Range(0, 20).Select(i => $"id-{i}"), "u").ToListAsync().AsTask());

        var pushedBackAt = handler.Requests[2].At;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results, Has.Count.EqualTo(20));
            Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(handler.Requests, Has.Count.EqualTo(21));
            Assert.That(handler.Requests.Skip(3).Select(r => r.At - pushedBackAt), Is.All.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)),
                "no delete starts until the server's wait is over");
        }
    }

    [Test]
    public async Task DeleteManyAsync_ServiceRefusesEverything_EndsWithEveryIdRateLimitedAndTheRestNotSent()
    {
        var clock = new TestClock();
        var handler = new ScriptedHandler(clock).Then(HttpStatusCode.TooManyRequests, Responses.DifyError("too_many_requests", "Slow down.", 429));
        var client = Client(handler, clock: clock, configure: o => o.TotalTimeout = TimeSpan.FromSeconds(10));

        var results = await clock.RunAsync(client.DeleteManyAsync(Enumerable.Range(0, 200).Select(i => $"id-{i}"), "u").ToListAsync().AsTask());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results, Has.Count.EqualTo(200), "every id is reported, none dropped");
            Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(results.Select(r => r.Error?.Code), Is.All.EqualTo(ConversationApiError.RateLimitedCode));
            Assert.That(results.Count(r => r.Attempts == 0), Is.GreaterThan(150), "once given up, the rest are not sent");
            Assert.That(handler.Requests, Has.Count.EqualTo(results.Sum(r => r.Attempts)));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        }
    }

    [Test]
    public async Task DeleteManyAsync_Cancelled_YieldsWhatItHasAndEachDeleteInFlightAsOutcomeUnknownThenThrows()
    {
        var gate = new TaskCompletionSource();
        var calls = 0;
        var handler = new ScriptedHandler().Then(async ct =>
        {
            if (Interlocked.Increment(ref calls) > 2)
            {
                await gate.Task.WaitAsync(ct);
            }

            return Responses.Make(HttpStatusCode.NoContent);
        });
        using var cts = new CancellationTokenSource();
        var received = new List<DeleteConversationResult>();

        Assert.That(async () =>
        {
            await foreach (var result in Client(handler).DeleteManyAsync(Enumerable.Range(0, 100).Select(i => $"id-{i}"), "u",
                new BulkDeleteOptions { MaxConcurrency = 2 }, cts.Token))
            {
                received.Add(result);
                if (received.Count == 2)
                {
                    // Let the next two reach the service, then cancel while they are held there.
                    while (Volatile.Read(ref calls) < 4)
                    {
                        await Task.Delay(5);
                    }

                    await cts.CancelAsync();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received.Take(2).Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(received.Skip(2).Select(r => r.Error?.Code), Is.EqualTo(new[] { ConversationApiError.OutcomeUnknownCode, ConversationApiError.OutcomeUnknownCode }),
                "each delete in flight says its outcome is unknown");
            Assert.That(received.Select(r => r.ConversationId), Is.EquivalentTo(handler.Requests.Select(r => r.Uri.Segments[^1])),
                "every id sent has exactly one result");
            Assert.That(handler.Requests, Has.Count.EqualTo(4), "no new delete starts after cancellation");
        }
    }

    [Test]
    public async Task DeleteManyAsync_ShouldSkip_LeavesThoseAloneWithoutAResult()
    {
        var service = new InMemoryConversationService(ConversationApiDialect.Dify);
        var ids = service.Seed(4, "u");

        var results = await Client(service).DeleteManyAsync(ids, "u", new BulkDeleteOptions { ShouldSkip = id => id == ids[1] }).ToListAsync();

        Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(ids.Where(id => id != ids[1])));
        Assert.That(service.DeleteCalls.Keys, Has.No.Member(ids[1]));
        Assert.That(service.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task DeleteManyAsync_StoppedBeforeItStarts_ReportsNothingEvenForAnInvalidId()
    {
        // An id source that does not listen to the batch's token: the batch itself stops reading it.
        static async IAsyncEnumerable<string> Ids()
        {
            await Task.Yield();
            yield return "..";
            yield return "id-1";
        }

        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var results = await Client(handler).DeleteManyAsync(Ids(), "u", new BulkDeleteOptions { StopToken = stop.Token }).ToListAsync();

        Assert.That(results, Is.Empty);
        Assert.That(handler.Requests, Is.Empty);
    }
}
