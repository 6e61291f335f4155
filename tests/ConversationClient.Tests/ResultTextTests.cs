namespace ConversationClient.Tests;

/// <summary>
/// What the public result types say about themselves: their one-line texts, counts and exception messages, in each
/// form (no response, one attempt or several, a name or none, a listing error or none).
/// </summary>
public sealed class ResultTextTests
{
    private static DeleteConversationResult Failed(int? status, int attempts, ConversationApiError? error = null, string? requestId = null) =>
        new()
        {
            ConversationId = "conv_7", Outcome = DeleteConversationOutcome.Failed, StatusCode = status, Attempts = attempts,
            Error = error, RequestId = requestId,
        };

    [Test]
    public void DeleteResult_ToString_NoResponseAndOneAttempt()
    {
        var result = Failed(null, 1, new ConversationApiError { Code = "timeout", Message = "No answer." });

        Assert.That(result.ToString(), Is.EqualTo("conv_7: Failed (no response, 1 attempt, timeout: No answer.)"));
    }

    [TestCase(0, "0 attempts")]
    [TestCase(2, "2 attempts")]
    public void DeleteResult_ToString_CountsAttemptsInThePlural(int attempts, string expected) =>
        Assert.That(Failed(500, attempts).ToString(), Is.EqualTo($"conv_7: Failed (500, {expected})"));

    [Test]
    public void DeleteResult_IsSuccess_OnlyWhenDeleted()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var outcome in Enum.GetValues<DeleteConversationOutcome>())
            {
                var result = new DeleteConversationResult { ConversationId = "c", Outcome = outcome };
                Assert.That(result.IsSuccess, Is.EqualTo(outcome == DeleteConversationOutcome.Deleted), outcome.ToString());
            }
        }
    }

    [Test]
    public void Exception_FromAResult_SaysOutcomeStatusErrorAndRequestId()
    {
        var result = Failed(503, 4, new ConversationApiError { Code = "overloaded", Message = "Try later." }, "req-9");

        Assert.That(new ConversationApiException(result).Message,
            Is.EqualTo("Deleting conversation 'conv_7' ended Failed with HTTP 503: overloaded: Try later. (request id req-9)."));
    }

    [Test]
    public void Exception_FromAResultWithoutResponse_SaysOnlyTheOutcome()
    {
        var ex = new ConversationApiException(Failed(null, 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Message, Is.EqualTo("Deleting conversation 'conv_7' ended Failed."));
            Assert.That(ex.StatusCode, Is.Null);
            Assert.That(ex.Error, Is.Null);
            Assert.That(ex.RequestId, Is.Null);
        }
    }

    [Test]
    public void Exception_FromNullResult_NamesTheArgument() =>
        Assert.That(() => new ConversationApiException((DeleteConversationResult)null!),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("result"));

    [Test]
    public void Exception_Constructor_KeepsWhatItIsGiven()
    {
        var inner = new IOException("reset");
        var error = new ConversationApiError { Code = "x" };

        var full = new ConversationApiException("full", 502, error, "req-1", inner);
        var plain = new ConversationApiException("plain");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((full.Message, full.StatusCode, full.Error, full.RequestId, full.InnerException, full.Result),
                Is.EqualTo(("full", (int?)502, error, "req-1", (Exception)inner, (DeleteConversationResult?)null)));
            Assert.That((plain.Message, plain.StatusCode, plain.Error, plain.RequestId, plain.InnerException),
                Is.EqualTo(("plain", (int?)null, (ConversationApiError?)null, (string?)null, (Exception?)null)));
        }
    }

    [Test]
    public void Summary_ToString_IsTheIdAndTheNameWhenThereIsOne()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new ConversationSummary { Id = "conv_1" }.ToString(), Is.EqualTo("conv_1"));
            Assert.That(new ConversationSummary { Id = "c-2", Name = "Trip plans" }.ToString(), Is.EqualTo("c-2 (Trip plans)"));
            Assert.That(new ConversationSummary { Id = "conv_1" }.Metadata, Is.Empty);
        }
    }

    [Test]
    public void Progress_Done_AddsDeletedNotFoundAndFailed() =>
        Assert.That(new EraseProgress(Listed: 100, Deleted: 7, NotFound: 3, Failed: 2) { Retries = 5 }.Done, Is.EqualTo(12));

    private static EraseReport Report(int failures, ConversationApiError? listingError = null) => new()
    {
        Listed = 10, Deleted = 6, NotFound = 2,
        Failures = [.. Enumerable.Range(0, failures).Select(i => Failed(500, 4) )],
        ListingError = listingError,
    };

    [Test]
    public void Report_ToString_CountsEachOutcome() =>
        Assert.That(Report(2).ToString(), Is.EqualTo("10 listed, 6 deleted, 2 not found, 2 failed"));

    [Test]
    public void Report_ToString_SaysWhereTheListingStopped() =>
        Assert.That(Report(0, new ConversationApiError { Code = "endpoint_not_found", Message = "Check the base address." }).ToString(),
            Is.EqualTo("10 listed, 6 deleted, 2 not found, 0 failed, listing stopped: endpoint_not_found: Check the base address."));

    [Test]
    public void Report_IsComplete_OnlyWithoutFailuresAndWithoutAListingError()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Report(0).IsComplete, Is.True);
            Assert.That(Report(0).Failed, Is.Zero);
            Assert.That(Report(1).IsComplete, Is.False);
            Assert.That(Report(3).Failed, Is.EqualTo(3));
            Assert.That(Report(0, new ConversationApiError { Code = "x" }).IsComplete, Is.False);
        }
    }

    [Test]
    public void Report_ToString_SaysTheSkippedAndWhetherItWasVerified()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new EraseReport { Listed = 3, Deleted = 2, NotFound = 0, Failures = [], Skipped = 1, VerificationRequested = true, Verified = true }.ToString(),
                Is.EqualTo("3 listed, 2 deleted, 0 not found, 0 failed, 1 skipped, verified"));
            Assert.That(new EraseReport { Listed = 2, Deleted = 2, NotFound = 0, Failures = [], VerificationRequested = true }.ToString(),
                Is.EqualTo("2 listed, 2 deleted, 0 not found, 0 failed, not verified"));
        }
    }

    [Test]
    public void Export_ToString_SaysTheItemsOrThatItWasDeletedMeanwhile()
    {
        var conversation = new ConversationSummary { Id = "conv_1" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new ConversationExport { Conversation = conversation, Items = [new ConversationItem { Id = "msg_1", Type = "message", Json = "{}" }] }.ToString(),
                Is.EqualTo("conv_1 (1 items)"));
            Assert.That(new ConversationExport { Conversation = conversation, DeletedDuringExport = true }.ToString(),
                Is.EqualTo("conv_1 (deleted during export)"));
        }
    }
}
