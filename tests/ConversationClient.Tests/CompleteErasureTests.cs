using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// An erasure leaves nothing behind and proves it: in the OpenAI dialect every item goes before its conversation (whose
/// delete leaves items stored), a conversation whose items could not all go stays in place, and each erased
/// conversation is asked for again, then the user listed again.
/// </summary>
[TestFixture(ConversationApiDialect.Dify)]
[TestFixture(ConversationApiDialect.OpenAI)]
public sealed class CompleteErasureTests(ConversationApiDialect dialect)
{
    private const string User = "user-1";

    private bool OpenAI => dialect == ConversationApiDialect.OpenAI;

    private IConversationClient Client(InMemoryConversationService service) =>
        ConversationClientFactory.Create(TestClients.Options(dialect), service, TimeProvider.System, () => 0.5);

    [Test]
    public async Task EraseUserAsync_DeletesEveryItemThenTheConversationAndVerifies()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(12, User, items: 7);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { PageSize = 5, MaxConcurrency = 3 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(report.Verified, Is.True);
            Assert.That(report.StillPresent, Is.Empty);
            Assert.That(report.Deleted, Is.EqualTo(12));
            // Dify deletes a conversation's messages itself: no item step there.
            Assert.That(report.ItemsDeleted, Is.EqualTo(OpenAI ? 84 : 0));
            Assert.That(service.ItemDeleteCalls, Has.Count.EqualTo(OpenAI ? 84 : 0));
            Assert.That(service.Count, Is.Zero);
            Assert.That(service.CountOrphanedItems(User), Is.Zero, "no item is left stored where nobody can list it");
            Assert.That(ids.Select(id => service.CountItems(id, User)), Is.All.Zero);
            Assert.That(service.Counters.ConversationGets, Is.EqualTo(OpenAI ? 12 : 0), "each erased conversation asked for (OpenAI)");
            Assert.That(report.ToString(), Does.Contain("verified").And.Contain(OpenAI ? "84 items deleted" : "0 failed"));
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_EachResultSaysItsItemsAndThatItIsGone()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(4, User, items: 3);

        var results = await Client(service).EraseUserStreamingAsync(User).ToListAsync();

        Assert.That(results, Has.Count.EqualTo(4));
        Assert.That(results.Select(r => r.Verification), Is.All.EqualTo(ErasureVerification.Gone));
        Assert.That(results.Select(r => r.ItemsDeleted), Is.All.EqualTo(OpenAI ? 3 : 0));
        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
    }

    [Test]
    public async Task EraseUserAsync_WithoutTheItemStep_LeavesOpenAIItemsStoredAndUnreachable()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(3, User, items: 5);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { DeleteItems = false });

        Assert.That(report.ItemsDeleted, Is.Zero);
        Assert.That(service.Count, Is.Zero);
        Assert.That(service.CountOrphanedItems(User), Is.EqualTo(OpenAI ? 15 : 0), "what the item step is for");
    }

    [Test]
    public async Task EraseUserAsync_AnItemDeleteFails_LeavesTheConversationInPlaceAndARerunFinishes()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(3, User, items: 4);
        var stuck = ids[1];
        var items = await Client(service).ListItemsAsync(stuck, User).ToListAsync();
        service.FailingIds.Add(items[2].Id);

        var report = await Client(service).EraseUserAsync(User);
        if (!OpenAI)
        {
            // Dify deletes messages itself: no message delete is sent, so none can fail.
            Assert.That(report.IsComplete, Is.True, report.ToString());
            Assert.That(service.ItemDeleteCalls, Is.Empty);
            return;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.False);
            Assert.That(report.Deleted, Is.EqualTo(2));
            Assert.That(report.Failures, Has.Count.EqualTo(1));
            var failure = report.Failures[0];
            Assert.That(failure.ConversationId, Is.EqualTo(stuck));
            Assert.That(failure.Error?.Code, Is.EqualTo(ConversationApiError.ItemsLeftCode));
            Assert.That(failure.Error?.Message, Does.Contain(items[2].Id).And.Contain("2 items deleted").And.Contain("run the erasure again"));
            Assert.That(failure.StatusCode, Is.EqualTo(400));
            Assert.That(failure.ItemsDeleted, Is.EqualTo(2));
            Assert.That(report.ItemsDeleted, Is.EqualTo(10));
            Assert.That(service.DeleteCalls.ContainsKey(stuck), Is.False, "the conversation was not deleted");
            Assert.That(service.CountItems(stuck, User), Is.EqualTo(2), "its items can still be listed");
            Assert.That(service.CountOrphanedItems(User), Is.Zero);
        }

        service.FailingIds.Clear();
        var rerun = await Client(service).EraseUserAsync(User);

        Assert.That(rerun.IsComplete, Is.True, rerun.ToString());
        Assert.That(rerun.ItemsDeleted, Is.EqualTo(2));
        Assert.That(service.Count, Is.Zero);
        Assert.That(service.CountOrphanedItems(User), Is.Zero);
    }

    [Test]
    public async Task EraseUserAsync_ItemDeletesAreBoundByTheConcurrency()
    {
        var service = new InMemoryConversationService(dialect) { DeleteLatency = TimeSpan.FromMilliseconds(2) };
        service.Seed(6, User, items: 6);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { MaxConcurrency = 2 });

        Assert.That(report.IsComplete, Is.True);
        Assert.That(service.MaxInFlight, Is.InRange(1, 2), "item and conversation deletes share the batch's slots");
    }

    [Test]
    public async Task EraseUserAsync_ADeleteAnsweredButKept_IsStillPresentAndNotComplete()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(3, User);
        service.KeptIds.Add(ids[0]);

        var report = await Client(service).EraseUserAsync(User);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.False);
            Assert.That(report.Verified, Is.False);
            Assert.That(report.StillPresent, Is.EqualTo(new[] { ids[0] }));
            Assert.That(report.Deleted, Is.EqualTo(2));
            Assert.That(report.Failures.Select(f => f.Error?.Code), Is.EqualTo(new[] { ConversationApiError.StillPresentCode }));
            Assert.That(report.Failures[0].Verification, Is.EqualTo(ErasureVerification.StillPresent));
            Assert.That(report.Failures[0].Error?.Message, Does.Contain("still has the conversation").And.Contain("(HTTP 200)"));
            Assert.That(report.ToString(), Does.Contain("1 still present").And.Contain("not verified"));
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_ACheckThatFailsThenTheListingShowsIt_YieldsASecondResultStillPresent()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(3, User);
        service.KeptIds.Add(ids[2]);
        service.FailingChecks[ids[2]] = 1;

        var results = await Client(service).EraseUserStreamingAsync(User).ToListAsync();

        var ofKept = results.Where(r => r.ConversationId == ids[2]).ToList();
        Assert.That(ofKept, Has.Count.EqualTo(2));
        Assert.That(ofKept[0].Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(ofKept[0].Verification, Is.EqualTo(ErasureVerification.NotChecked), "the first look failed");
        Assert.That(ofKept[1].Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(ofKept[1].Error?.Code, Is.EqualTo(ConversationApiError.StillPresentCode));
        Assert.That(ofKept[1].Verification, Is.EqualTo(ErasureVerification.StillPresent));
    }

    [Test]
    public async Task EraseUserAsync_ACheckThatFailsThenTheListingShowsIt_MovesItFromDeletedToFailures()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(3, User);
        service.KeptIds.Add(ids[2]);
        service.FailingChecks[ids[2]] = 1;

        var report = await Client(service).EraseUserAsync(User);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Deleted, Is.EqualTo(2));
            Assert.That(report.Failed, Is.EqualTo(1));
            Assert.That(report.Listed, Is.EqualTo(3));
            Assert.That(report.StillPresent, Is.EqualTo(new[] { ids[2] }));
            Assert.That(report.IsComplete, Is.False);
        }
    }

    [Test]
    public async Task EraseUserStreamingAsync_TheListingShowsOneAgainAndItsLookFailsTwice_YieldsASecondResultNotChecked()
    {
        InMemoryConversationService KeptWithFailingLooks(out string kept)
        {
            var service = new InMemoryConversationService(dialect);
            kept = service.Seed(3, User)[1];
            service.KeptIds.Add(kept);
            service.FailingChecks[kept] = 2;
            return service;
        }

        var results = await Client(KeptWithFailingLooks(out var id)).EraseUserStreamingAsync(User).ToListAsync();
        var report = await Client(KeptWithFailingLooks(out _)).EraseUserAsync(User);

        var ofKept = results.Where(r => r.ConversationId == id).ToList();
        Assert.That(ofKept.Select(r => r.Verification), Is.EqualTo(new[] { ErasureVerification.NotChecked, ErasureVerification.NotChecked }),
            "the caller hears that the second look could not tell either");
        Assert.That(ofKept.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(report.Deleted, Is.EqualTo(3), "counted once: the later result replaces the earlier");
        Assert.That(report.Verified, Is.False);
    }

    [Test]
    public async Task EraseUserAsync_ACheckThatFails_IsNotVerifiedNorComplete()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(2, User);
        service.FailingChecks[ids[0]] = 1;

        var report = await Client(service).EraseUserAsync(User);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Deleted, Is.EqualTo(2));
            Assert.That(report.Failures, Is.Empty);
            Assert.That(report.StillPresent, Is.Empty);
            Assert.That(report.Verified, Is.False, "one look could not tell");
            Assert.That(report.IsComplete, Is.False);
        }

        var rerun = await Client(service).EraseUserAsync(User);
        Assert.That(rerun.IsComplete, Is.True, "a run that finds nothing left proves it");
    }

    [Test]
    public async Task EraseUserAsync_ListingThatLags_IsNotStillPresentWhenTheServiceSaysGone()
    {
        var service = new InMemoryConversationService(dialect) { KeepListingDeleted = true };
        service.Seed(5, User);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { PageSize = 2 });

        Assert.That(report.IsComplete, Is.True, report.ToString());
        Assert.That(report.Verified, Is.True);
        Assert.That(report.Deleted, Is.EqualTo(5));
    }

    [Test]
    public async Task EraseUserAsync_AConversationMadeDuringTheRun_IsErasedByTheVerificationPass()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(2, User);
        var made = false;
        var client = Client(service);
        var results = new List<DeleteConversationResult>();

        await foreach (var result in client.EraseUserStreamingAsync(User, new BulkDeleteOptions { MaxConcurrency = 1 }))
        {
            results.Add(result);
            if (!made)
            {
                made = true;
                service.Seed(1, User);
            }
        }

        Assert.That(results, Has.Count.EqualTo(3));
        Assert.That(service.Count, Is.Zero);
    }

    [Test]
    public async Task EraseConversationsAsync_KnownIds_ItemsFirstThenALook_NoListing([Values] bool idsStreamed)
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(5, User, items: 3);
        var bystander = service.Seed(1, User, items: 2)[0];
        string[] given = [ids[0], ids[1], ids[0], ids[2], ids[3], ids[4]];

        var results = await (idsStreamed
            ? Client(service).EraseConversationsAsync(given.ToAsyncEnumerable(), User)
            : Client(service).EraseConversationsAsync(given, User)).ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(ids), "a repeated id is erased and reported once");
            Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(results.Select(r => r.ItemsDeleted), Is.All.EqualTo(OpenAI ? 3 : 0));
            Assert.That(results.Select(r => r.Verification), Is.All.EqualTo(ErasureVerification.Gone));
            Assert.That(service.CountOrphanedItems(User), Is.Zero);
            Assert.That(service.Count, Is.EqualTo(1), "only the ids given");
            Assert.That(service.CountItems(bystander, User), Is.EqualTo(2));
            Assert.That(service.ListCalls, Is.Zero, "the ids are the caller's: no listing of the user");
        }
    }

    [Test]
    public async Task EraseConversationsAsync_NoCredential_SaysSo_NotItemsLeft_AndLeavesAllInPlace()
    {
        var service = new InMemoryConversationService(dialect);
        var id = service.Seed(1, User, items: 2)[0];
        var options = TestClients.Options(dialect);
        options.ApiKey = null;
        options.AccessTokenProvider = _ => throw new InvalidOperationException("not signed in");
        var client = ConversationClientFactory.Create(options, service, TimeProvider.System, () => 0.5);

        var result = (await client.EraseConversationsAsync([id], User).ToListAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            // The caller's fix is the credential (as for a plain delete), not a re-run for items left.
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
            Assert.That(service.Count, Is.EqualTo(1));
            Assert.That(service.CountItems(id, User), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task EraseConversationsAsync_AConversationAlreadyGone_IsNotFoundAndGone()
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(1, User);
        var missing = "5ad4cb98-f0c7-4085-b384-88c403be6290";

        var results = await Client(service).EraseConversationsAsync([missing], User).ToListAsync();

        Assert.That(results.Single().Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
        Assert.That(results.Single().Verification, Is.EqualTo(ErasureVerification.Gone));
    }

    [Test]
    public async Task EraseConversationsAsync_WithoutTheItemStep_IsDeleteManyWithALook()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(2, User, items: 4);

        var results = await Client(service).EraseConversationsAsync(ids, User, new BulkDeleteOptions { DeleteItems = false }).ToListAsync();

        Assert.That(results.Select(r => r.Verification), Is.All.EqualTo(ErasureVerification.Gone));
        Assert.That(service.CountOrphanedItems(User), Is.EqualTo(OpenAI ? 8 : 0));
    }

    [Test]
    public void EraseConversationsAsync_BadArguments_Throw()
    {
        var client = Client(new InMemoryConversationService(dialect));

        Assert.That(() => client.EraseConversationsAsync((IEnumerable<string>)null!, User),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("conversationIds"));
        Assert.That(() => client.EraseConversationsAsync((IAsyncEnumerable<string>)null!, User),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("conversationIds"));
        if (!OpenAI)
        {
            Assert.That(() => client.EraseConversationsAsync(["a"], null), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
            Assert.That(() => client.EraseConversationsAsync(new[] { "a" }.ToAsyncEnumerable(), null), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("user"));
        }

        Assert.That(() => client.EraseConversationsAsync(["a"], User, new BulkDeleteOptions { MaxConcurrency = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task EraseUserAsync_WithoutVerification_AsksForNothing()
    {
        var service = new InMemoryConversationService(dialect);
        var ids = service.Seed(3, User);
        service.KeptIds.Add(ids[0]);

        var report = await Client(service).EraseUserAsync(User, new BulkDeleteOptions { Verify = false });

        Assert.That(report.IsComplete, Is.True, "nothing looked");
        Assert.That(report.Verified, Is.False);
        Assert.That(report.ToString(), Does.Not.Contain("verified"));
        Assert.That(service.Counters.ConversationGets, Is.Zero);
        Assert.That(service.ListCalls, Is.EqualTo(1));
    }
}
