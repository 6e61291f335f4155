namespace ConversationClient.Internal;

/// <summary>
/// Erases a user: lists a page, deletes what it holds that this run has not handled yet, and lists the next page, so
/// list calls grow with the pages, not with their square. Every id is handled once: the run remembers a fingerprint
/// per id it handled, and the failures, not the ids themselves.
/// <list type="bullet">
/// <item>OpenAI (Azure AI Foundry): the <c>after</c> cursor stays valid when its conversation is deleted, so the run
/// pages on from each page's last id.</item>
/// <item>Dify: <c>last_id</c> must name a conversation that still exists, so the run pages on from the last conversation
/// it knows still stands (its delete failed, or it was listed again after being handled), or from the top when it knows
/// none: everything before that point that it deleted is gone from the listing. Should that conversation be gone after
/// all (a delete that failed but did happen), the run starts again from the top, as long as it made progress since it
/// last did.</item>
/// </list>
/// </summary>
internal static class UserEraser
{
    public static async Task<EraseReport> EraseAsync(DefaultConversationClient client, string user, BatchThrottle throttle, BatchPacer pacer, int maxConcurrency,
        int pageSize, IProgress<EraseProgress>? progress, CancellationToken cancellationToken)
    {
        var handled = new IdFingerprints();
        var failures = new List<DeleteConversationResult>();
        int listed = 0, deleted = 0, notFound = 0;
        ConversationApiError? listingError = null;
        string? cursor = null;
        var cursorStaysValid = client.CursorOutlivesDeletes;
        var progressSinceTop = false;

        var retries = 0;
        void Report() => progress?.Report(new EraseProgress(listed, deleted, notFound, failures.Count) { Retries = retries });

        void Count(DeleteConversationResult result)
        {
            retries += Math.Max(0, result.Attempts - 1);
            switch (result.Outcome)
            {
                case DeleteConversationOutcome.Deleted:
                    deleted++;
                    break;
                case DeleteConversationOutcome.NotFound:
                    notFound++;
                    break;
                default:
                    failures.Add(result);
                    break;
            }
        }

        while (true)
        {
            ConversationPage page;
            try
            {
                page = await client.GetPageAsync(user, cursor, pageSize, null, cancellationToken).ConfigureAwait(false);
            }
            catch (ConversationApiException ex)
            {
                // Dify: the conversation paged on from is gone after all. Start again from the top, where what this
                // run deleted is gone too, unless nothing was done since the last start (no endless loop).
                if (!cursorStaysValid && cursor is not null && ex.StatusCode == 404 && progressSinceTop)
                {
                    cursor = null;
                    progressSinceTop = false;
                    continue;
                }

                listingError = ex.Error ?? new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message };
                break;
            }

            var fresh = new List<string>(page.Items.Count);
            // Dify: the last conversation of the page known to still stand, to page on from.
            string? standing = null;
            foreach (var item in page.Items)
            {
                if (handled.Add(item.Id))
                {
                    fresh.Add(item.Id);
                }
                else
                {
                    // Handled before and listed again: it still stands (its delete failed, or the listing lags).
                    standing = item.Id;
                }
            }

            listed += fresh.Count;
            progressSinceTop |= fresh.Count > 0;
            Report();

            // A page with nothing new starts no batch.
            if (fresh.Count > 0)
            {
                HashSet<string>? failed = null;
                await foreach (var result in BulkDeleter.RunAsync(client, BulkDeleter.ToAsync(fresh, cancellationToken), user, throttle, pacer, maxConcurrency, cancellationToken)
                    .ConfigureAwait(false))
                {
                    Count(result);
                    if (result.Outcome == DeleteConversationOutcome.Failed)
                    {
                        (failed ??= new HashSet<string>(StringComparer.Ordinal)).Add(result.ConversationId);
                    }

                    Report();
                }

                if (failed is not null)
                {
                    // In page order: the last one whose delete failed, or an earlier standing one.
                    for (var i = page.Items.Count - 1; i >= 0; i--)
                    {
                        var id = page.Items[i].Id;
                        if (failed.Contains(id))
                        {
                            standing = id;
                            break;
                        }

                        if (id == standing)
                        {
                            break;
                        }
                    }
                }
            }

            if (pacer.HasGivenUp)
            {
                // The service let no delete through for the total timeout: listing on would only add ids not sent.
                listingError = ResultMapper.RateLimited(
                    Http.BatchGaveUpException.Describe(pacer.RefusingFor) + " The erasure stopped before the end of the listing; run it again later to continue.");
                break;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                break;
            }

            // OpenAI: after the page's last id. Dify: after the last conversation of this page known to stand; with
            // none, from where this page was asked (what it held that was deleted is gone from there now).
            var next = cursorStaysValid ? page.NextCursor : standing ?? cursor;

            // No cursor to go on from, or the same place again when this page changed nothing: the listing is done.
            if ((cursorStaysValid && next is null) || (next == cursor && fresh.Count == 0))
            {
                break;
            }

            cursor = next;
        }

        return new EraseReport
        {
            Listed = listed,
            Deleted = deleted,
            NotFound = notFound,
            Failures = failures,
            ListingError = listingError,
        };
    }
}
