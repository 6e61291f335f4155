namespace ConversationClient.Cli.Tests;

/// <summary>The run's counts when an erasure's verification pass reports a conversation again: the later result wins.</summary>
public sealed class RunSummaryTests
{
    private static DeleteConversationResult Result(string id, DeleteConversationOutcome outcome, ErasureVerification verification, int items = 0,
        int? responses = null) => new()
    {
        ResponsesDeleted = responses,
        ConversationId = id,
        Outcome = outcome,
        Verification = verification,
        ItemsDeleted = items,
        Attempts = 1,
        Error = outcome == DeleteConversationOutcome.Deleted ? null
            : new ConversationApiError { Code = verification == ErasureVerification.StillPresent ? ConversationApiError.StillPresentCode : ConversationApiError.NotFoundCode },
    };

    [Test]
    public void Count_AStillPresentResultAfterADeletedOne_ReplacesIt()
    {
        var summary = new RunSummary { Command = "erase", Verify = true };

        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone, items: 3));
        summary.Count(Result("conv_2", DeleteConversationOutcome.NotFound, ErasureVerification.Gone));
        summary.Count(Result("conv_1", DeleteConversationOutcome.Failed, ErasureVerification.StillPresent));
        summary.Ended = true;

        Assert.Multiple(() =>
        {
            Assert.That(summary.Deleted, Is.Zero, "conv_1's Deleted is replaced");
            Assert.That(summary.NotFound, Is.EqualTo(1));
            Assert.That(summary.Failed, Is.EqualTo(1));
            Assert.That(summary.Verified, Is.EqualTo(1), "conv_2 only");
            Assert.That(summary.StillPresent, Is.EqualTo(1));
            Assert.That(summary.ItemsDeleted, Is.EqualTo(3), "the items were deleted all the same");
            Assert.That(summary.IsVerified, Is.False);
            Assert.That(summary.IsIncomplete, Is.True);
        });
    }

    [Test]
    public void Count_AVerifiedDeleteRun_KeepsNothingPerConversation_AnEraseRunDoes()
    {
        // A delete of a million ids must stay flat: only an erase run's verification pass reports a conversation twice.
        var delete = new RunSummary { Command = "delete", Verify = true };
        var erase = new RunSummary { Command = "erase", Verify = true };
        foreach (var summary in new[] { delete, erase })
        {
            summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone, items: 2));
            summary.Count(Result("conv_2", DeleteConversationOutcome.NotFound, ErasureVerification.Gone));
        }

        Assert.Multiple(() =>
        {
            Assert.That(delete.KeptForReplacement, Is.Zero);
            Assert.That(erase.KeptForReplacement, Is.EqualTo(2));
            Assert.That(delete.Verified, Is.EqualTo(2));
            Assert.That(delete.ItemsDeleted, Is.EqualTo(2));
        });
    }

    [Test]
    public void Count_AStillPresentResultOfItsFirstCheck_ReplacesNothing()
    {
        var summary = new RunSummary { Command = "erase", Verify = true };

        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone));
        summary.Count(Result("conv_2", DeleteConversationOutcome.Failed, ErasureVerification.StillPresent));

        Assert.Multiple(() =>
        {
            Assert.That(summary.Deleted, Is.EqualTo(1));
            Assert.That(summary.Verified, Is.EqualTo(1));
            Assert.That(summary.Failed, Is.EqualTo(1));
            Assert.That(summary.StillPresent, Is.EqualTo(1));
        });
    }

    [Test]
    public void IsVerified_OnlyWhenTheRunEndedWithEverythingGone()
    {
        var summary = new RunSummary { Command = "erase", Verify = true };
        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone));
        Assert.That(summary.IsVerified, Is.False, "the listing after the run has not ended");

        summary.Ended = true;
        Assert.That(summary.IsVerified, Is.True);

        summary.Count(Result("conv_2", DeleteConversationOutcome.Deleted, ErasureVerification.NotChecked));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Unverified, Is.EqualTo(1));
            Assert.That(summary.IsVerified, Is.False);
            Assert.That(summary.IsIncomplete, Is.True);
        });
    }

    [Test]
    public void Count_ASecondResultWhoseLookFailed_ReplacesTheFirst()
    {
        var summary = new RunSummary { Command = "erase", Verify = true };
        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone));
        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.NotChecked));

        Assert.Multiple(() =>
        {
            Assert.That(summary.Deleted, Is.EqualTo(1), "counted once");
            Assert.That(summary.Verified, Is.Zero);
            Assert.That(summary.Unverified, Is.EqualTo(1));
        });
    }

    [Test]
    public void ResponsesNotChecked_ASecondResultOfTheVerificationPass_KeepsTheFirstResultsWord()
    {
        // The verification pass's result of a look counts no stored response (null): it says nothing of whether they were checked.
        var summary = new RunSummary { Command = "erase", Verify = true, HasStoredResponses = true };
        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone, responses: 4));
        summary.Count(Result("conv_2", DeleteConversationOutcome.Deleted, ErasureVerification.Gone));
        summary.Count(Result("conv_3", DeleteConversationOutcome.NotFound, ErasureVerification.Gone));
        summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.NotChecked));
        summary.Count(Result("conv_2", DeleteConversationOutcome.Deleted, ErasureVerification.NotChecked));
        summary.Count(Result("conv_3", DeleteConversationOutcome.Failed, ErasureVerification.StillPresent));

        Assert.Multiple(() =>
        {
            Assert.That(summary.ResponsesNotChecked, Is.EqualTo(1), "conv_2 only: conv_1's were checked, conv_3 is not erased (failed)");
            Assert.That(System.Text.Json.JsonDocument.Parse(summary.ToJson()).RootElement.GetProperty("responsesNotChecked").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public void ResponsesNotChecked_NoneWhereTheServiceHasNoStoredResponses_NorForAFailure()
    {
        var dify = new RunSummary { Command = "delete", Verify = true };
        var azure = new RunSummary { Command = "delete", Verify = true, HasStoredResponses = true };
        foreach (var summary in new[] { dify, azure })
        {
            summary.Count(Result("conv_1", DeleteConversationOutcome.Deleted, ErasureVerification.Gone));
            summary.Count(Result("conv_2", DeleteConversationOutcome.Failed, ErasureVerification.NotChecked));
        }

        Assert.Multiple(() =>
        {
            Assert.That(dify.ResponsesNotChecked, Is.Zero);
            Assert.That(azure.ResponsesNotChecked, Is.EqualTo(1));
        });
    }
}
