using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

[TestFixture(ConversationApiDialect.Dify)]
[TestFixture(ConversationApiDialect.OpenAI)]
public sealed class EraseTests(ConversationApiDialect dialect)
{
    private IConversationClient Client(InMemoryConversationService service) =>
        ConversationClientFactory.Create(TestClients.Options(dialect), service, TimeProvider.System, () => 0.5);

    [Test]
    public async Task EraseUserAsync_DeletesEveryConversationOnceAndReports()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(257, "user-1");
        var reports = new List<EraseProgress>();

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 20, MaxConcurrency = 8 },
            new SynchronousProgress<EraseProgress>(reports.Add));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True);
            Assert.That(report.Listed, Is.EqualTo(257));
            Assert.That(report.Deleted, Is.EqualTo(257));
            Assert.That(report.NotFound, Is.Zero);
            Assert.That(report.Failed, Is.Zero);
            Assert.That(service.Count, Is.Zero);
            Assert.That(service.DeleteCalls, Has.Count.EqualTo(257));
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(reports[^1], Is.EqualTo(new EraseProgress(257, 257, 0, 0)));
            Assert.That(reports.Select(r => r.Done), Is.Ordered);
        }
    }

    [Test]
    public async Task EraseUserAsync_ProgressCountsTheRetriesOfFinishedDeletes()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(30, "user-1");
        service.UnavailableTimes[ids[7]] = 2;
        service.UnavailableTimes[ids[21]] = 1;
        var reports = new List<EraseProgress>();
        var client = ConversationClientFactory.Create(TestClients.Options(dialect, o =>
        {
            o.Retry.MaxRetries = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        }), service, TimeProvider.System, () => 0.5);

        var report = await client.EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 10, MaxConcurrency = 1 },
            new SynchronousProgress<EraseProgress>(reports.Add));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True);
            Assert.That(reports[^1].Retries, Is.EqualTo(3));
            Assert.That(reports[^1].Retries, Is.EqualTo(service.DeleteCalls.Values.Sum(calls => calls - 1)));
            Assert.That(reports.Select(r => r.Retries), Is.Ordered);
        }
    }

    [Test]
    public async Task EraseUserAsync_RefusedDeletes_AreTriedAgainWithoutUsingUpRetriesAndEachDeletedOnce()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(40, "user-1");
        for (var i = 0; i < 40; i += 3)
        {
            service.RefusedTimes[ids[i]] = 4;
        }

        var clock = new TestClock();
        var client = ConversationClientFactory.Create(TestClients.Options(dialect, o => o.Retry.MaxRetries = 1), service, clock, () => 0.5);

        var report = await clock.RunAsync(client.EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 10 }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Deleted, Is.EqualTo(40));
            Assert.That(service.Count, Is.Zero);
            Assert.That(service.DeleteCalls.Where(c => service.RefusedTimes.ContainsKey(c.Key)).Select(c => c.Value), Is.All.EqualTo(5),
                "four refusals and the delete, with one retry allowed");
        }
    }

    [Test]
    public async Task EraseUserAsync_ServiceRefusesEveryDelete_StopsRateLimitedAfterTheTotalTimeout()
    {
        var service = new InMemoryConversationService(dialect) { RefuseAllDeletes = true };
        service.Seed(300, "user-1");
        var clock = new TestClock();
        var client = ConversationClientFactory.Create(TestClients.Options(dialect, o => o.TotalTimeout = TimeSpan.FromSeconds(10)), service, clock, () => 0.5);

        var report = await clock.RunAsync(client.EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 100 }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.False);
            Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.RateLimitedCode), "the erasure says it stopped early");
            Assert.That(report.Failures, Has.Count.EqualTo(report.Listed));
            Assert.That(report.Listed, Is.GreaterThan(0));
            Assert.That(report.Failures.Select(f => f.Error?.Code), Is.All.EqualTo(ConversationApiError.RateLimitedCode));
            Assert.That(report.Listed, Is.LessThan(300), "no listing on once the batch has given up");
            Assert.That(service.DeleteCalls.Values.Sum(), Is.LessThan(100), "the refused deletes were paced, not hammered");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
            Assert.That(service.Count, Is.EqualTo(300));
        }
    }

    [Test]
    public async Task EraseUserAsync_FailuresAreListedAndARerunFinishesTheJob()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(60, "user-1");
        service.FailingIds.Add(ids[19]);
        service.FailingIds.Add(ids[39]);
        service.FailingIds.Add(ids[40]);

        var first = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 20 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.IsComplete, Is.False);
            Assert.That(first.ListingError, Is.Null);
            Assert.That(first.Listed, Is.EqualTo(60));
            Assert.That(first.Deleted, Is.EqualTo(57));
            Assert.That(first.Failures.Select(f => f.ConversationId), Is.EquivalentTo(new[] { ids[19], ids[39], ids[40] }));
            Assert.That(first.Failures.Select(f => f.Error?.Code), Is.All.EqualTo("invalid_param"));
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(service.Count, Is.EqualTo(3));
        }

        service.FailingIds.Clear();
        var second = await Client(service).EraseUserAsync("user-1");

        Assert.That(second.IsComplete, Is.True);
        Assert.That(second.Deleted, Is.EqualTo(3));
        Assert.That(service.Count, Is.Zero);
    }

    [Test]
    public async Task EraseUserAsync_ListingStillShowsDeletedOnes_CountsEachOnceAndEnds()
    {
        var service = new InMemoryConversationService(dialect) { KeepListingDeleted = true };
        service.Seed(95, "user-1");

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 20 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Listed, Is.EqualTo(95));
            Assert.That(report.Deleted, Is.EqualTo(95));
            Assert.That(report.NotFound, Is.Zero);
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(service.Count, Is.Zero);
        }
    }

    /// <summary>Thirty pages whose conversations all stay listed: listing them must cost list calls linear in pages (it was 465).</summary>
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public async Task EraseUserAsync_ThirtyPagesThatStayListed_ListsLinearlyInPages(bool deletesFail, bool listingLags)
    {
        const int Pages = 30, PageSize = 20;
        var service = new InMemoryConversationService(dialect) { KeepListingDeleted = listingLags };
        var ids = service.Seed(Pages * PageSize, "user-1");
        if (deletesFail)
        {
            for (var i = 0; i < Pages * PageSize; i++)
            {
                service.FailingIds.Add(ids[i]);
            }
        }

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = PageSize });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Listed, Is.EqualTo(Pages * PageSize));
            Assert.That(report.Failed + report.Deleted, Is.EqualTo(Pages * PageSize));
            Assert.That(report.ListingError, Is.Null);
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(service.ListCalls, Is.LessThanOrEqualTo((2 * Pages) + 1));
        }
    }

    [Test]
    public async Task EraseUserAsync_OneFailurePerPage_ListsLinearlyAndHandlesEveryId()
    {
        const int Pages = 30, PageSize = 20;
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(Pages * PageSize, "user-1");
        for (var page = 0; page < Pages; page++)
        {
            service.FailingIds.Add(ids[(page * PageSize) + (page % PageSize)]);
        }

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = PageSize });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Listed, Is.EqualTo(Pages * PageSize));
            Assert.That(report.Deleted, Is.EqualTo((Pages * PageSize) - Pages));
            Assert.That(report.Failed, Is.EqualTo(Pages));
            Assert.That(report.ListingError, Is.Null);
            Assert.That(service.Count, Is.EqualTo(Pages));
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(service.ListCalls, Is.LessThanOrEqualTo((2 * Pages) + 1));
        }
    }

    [Test]
    public async Task EraseUserAsync_AFailedDeleteThatDidDelete_StillErasesTheRest()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(60, "user-1");
        service.DeletedButFailingIds.Add(ids[19]);

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 20 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.ListingError, Is.Null);
            Assert.That(report.Listed, Is.EqualTo(60));
            Assert.That(report.Deleted, Is.EqualTo(59));
            Assert.That(report.Failed, Is.EqualTo(1));
            Assert.That(service.Count, Is.Zero);
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
        }
    }

    [Test]
    public async Task EraseUserAsync_NothingToErase_IsComplete()
    {
        var service = new InMemoryConversationService(dialect);

        var report = await Client(service).EraseUserAsync("user-1");

        Assert.That(report.IsComplete, Is.True);
        Assert.That(report.Verified, Is.True);
        Assert.That(report.Listed, Is.Zero);
        Assert.That(service.ListCalls, Is.EqualTo(2), "the listing, then verification's listing from the top");
    }

    [Test]
    public async Task EraseUserAsync_NothingToEraseWithoutVerification_ListsOnceAndIsCompleteUnverified()
    {
        var service = new InMemoryConversationService(dialect);

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { Verify = false });

        Assert.That(report.IsComplete, Is.True);
        Assert.That(report.Verified, Is.False);
        Assert.That(service.ListCalls, Is.EqualTo(1));
    }

    [Test]
    public void EraseUserAsync_NullUser_ThrowsExplainingThatErasingNeedsAUser()
    {
        var service = new InMemoryConversationService(dialect);

        var ex = Assert.Throws<ArgumentNullException>(() => Client(service).EraseUserAsync(null!));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(ex.Message, Does.StartWith("Erasing needs the user whose conversations to erase: ")
            .And.Contain(dialect == ConversationApiDialect.Dify ? "Dify scopes every conversation by its end user" : "user isolation header"));
    }

    [Test]
    public async Task EraseUserStreamingAsync_YieldsOneResultPerConversation()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(57, "user-1");
        service.FailingIds.Add(ids[11]);

        var results = await Client(service).EraseUserStreamingAsync("user-1", new BulkDeleteOptions { PageSize = 10 }).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.ConversationId).ToList(), Is.Unique.And.Count.EqualTo(57));
            Assert.That(results.Single(r => r.Outcome == DeleteConversationOutcome.Failed).ConversationId, Is.EqualTo(ids[11]));
            Assert.That(service.DeleteCalls.Values, Is.All.EqualTo(1));
            Assert.That(service.Count, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_ShouldSkip_LeavesThoseAloneAndStillErasesTheRest()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(45, "user-1");
        var done = new HashSet<string> { ids[0], ids[9], ids[10], ids[44] };
        var asked = new List<string>();

        var results = await Client(service).EraseUserStreamingAsync("user-1", new BulkDeleteOptions
        {
            PageSize = 10,
            ShouldSkip = id =>
            {
                asked.Add(id);
                return done.Contains(id);
            },
        }).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(ids.Except(done)));
            Assert.That(service.DeleteCalls.Keys, Has.No.AnyOf(done.ToArray()));
            Assert.That(asked, Is.Unique.And.Count.EqualTo(45), "asked once per conversation");
            Assert.That(service.Count, Is.EqualTo(4));
        }
    }

    [Test]
    public async Task EraseUserAsync_ShouldSkip_CountsTheSkippedAndIsComplete()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(30, "user-1");
        var done = new HashSet<string> { ids[7], ids[17], ids[27] };

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { PageSize = 10, ShouldSkip = done.Contains });

        using (Assert.EnterMultipleScope())
        {
            Assert.That((report.Listed, report.Deleted, report.Skipped), Is.EqualTo((30, 27, 3)));
            Assert.That(report.IsComplete, Is.True);
            Assert.That(service.Count, Is.EqualTo(3));
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_StopToken_StartsNothingNewAndReportsTheDeletesInFlight()
    {
        var service = new InMemoryConversationService(dialect) { DeleteLatency = TimeSpan.FromMilliseconds(20) };
        service.Seed(200, "user-1");
        using var stop = new CancellationTokenSource();
        var results = new List<DeleteConversationResult>();
        var sentAtStop = 0;

        await foreach (var result in Client(service).EraseUserStreamingAsync("user-1",
            new BulkDeleteOptions { PageSize = 50, MaxConcurrency = 4, StopToken = stop.Token }))
        {
            results.Add(result);
            if (results.Count == 10)
            {
                sentAtStop = service.DeleteCalls.Count;
                await stop.CancelAsync();
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted), "the deletes in flight finished");
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(service.DeleteCalls.Keys), "every delete sent has its result");
            // One more at most: a slot taken just before the stop is used just after it.
            Assert.That(service.DeleteCalls, Has.Count.LessThanOrEqualTo(sentAtStop + 1), "no delete starts after the stop");
            Assert.That(results, Has.Count.LessThan(50), "the first page was not finished");
            Assert.That(service.Count, Is.EqualTo(200 - results.Count));
            Assert.That(service.ListCalls, Is.EqualTo(1), "no page is listed after the stop");
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_Cancelled_EachDeleteInFlightYieldsOutcomeUnknownThenItThrows()
    {
        var service = new InMemoryConversationService(dialect) { DeleteLatency = TimeSpan.FromMilliseconds(200) };
        service.Seed(40, "user-1");
        using var cts = new CancellationTokenSource();
        var results = new List<DeleteConversationResult>();

        Assert.That(async () =>
        {
            // Without the look: a cancellation during a look keeps the answered delete (NotChecked), which would make the
            // deletes in flight at the cancellation a matter of timing (BrokenServerErasureTests holds that rule).
            await foreach (var result in Client(service).EraseUserStreamingAsync("user-1", new BulkDeleteOptions { PageSize = 20, MaxConcurrency = 4, Verify = false }, cts.Token))
            {
                results.Add(result);
                if (results.Count == 4)
                {
                    // Cancel once another delete has reached the service (it takes 200 ms there): one is in flight.
                    var waited = System.Diagnostics.Stopwatch.StartNew();
                    while (service.DeleteCalls.Count <= results.Count && waited.Elapsed < TimeSpan.FromSeconds(5))
                    {
                        await Task.Delay(5);
                    }

                    await cts.CancelAsync();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Where(r => r.Outcome != DeleteConversationOutcome.Deleted).Select(r => r.Error?.Code),
                Is.Not.Empty.And.All.EqualTo(ConversationApiError.OutcomeUnknownCode));
            // Every id sent has exactly one result. An id the SDK had started may also have one (outcome_unknown) without its
            // request having reached the service before the cancellation: from the caller's side it may or may not have been sent.
            Assert.That(results.Select(r => r.ConversationId), Is.Unique);
            Assert.That(service.DeleteCalls.Keys, Is.SubsetOf(results.Select(r => r.ConversationId)), "every id sent has a result");
            Assert.That(results.Where(r => !service.DeleteCalls.ContainsKey(r.ConversationId)).Select(r => r.Error?.Code),
                Is.All.EqualTo(ConversationApiError.OutcomeUnknownCode), "one not sent can only be unknown");
        }
    }

    [Test]
    public async Task EraseUserAsync_StopToken_ReturnsAReportThatSaysItStopped()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(20, "user-1");
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var report = await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { StopToken = stop.Token });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Stopped, Is.True);
            Assert.That(report.IsComplete, Is.False);
            Assert.That(service.DeleteCalls, Is.Empty);
            Assert.That(report.ToString(), Does.Contain("stopped before the end"));
        }
    }

    [Test]
    public async Task EraseUserAsync_ReportsProgressAfterEachFinishedDelete()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(5, "user-1");
        var reports = new List<EraseProgress>();

        await Client(service).EraseUserAsync("user-1", new BulkDeleteOptions { MaxConcurrency = 1 }, new SynchronousProgress<EraseProgress>(reports.Add));

        Assert.That(reports.Select(r => r.Deleted), Is.SupersetOf(new[] { 1, 2, 3, 4, 5 }), "not only when a page is listed");
    }

    [Test]
    public async Task EraseUserStreamingAsync_ListsInPagesOfItsOptionsPageSize()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(35, "user-1");

        var results = await Client(service).EraseUserStreamingAsync("user-1", new BulkDeleteOptions { PageSize = 10 }).ToListAsync();

        Assert.That(results, Has.Count.EqualTo(35));
        Assert.That(service.ListCalls, Is.GreaterThanOrEqualTo(4), "35 conversations in pages of 10");
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
