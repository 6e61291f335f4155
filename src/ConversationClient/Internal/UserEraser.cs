namespace ConversationClient.Internal;

/// <summary>
/// Erases a user: lists a page, deletes what it holds that this run has not handled yet, and lists again. Deleted
/// conversations drop out of the listing, so after deleting, the next round starts again from the top (Dify refuses
/// a cursor that names a deleted conversation); a page with nothing new (only conversations whose delete failed, or
/// that are still listed after their delete) is paged past instead. Every id is handled once: the run remembers a
/// fingerprint per id it handled, and the failures, not the ids themselves.
/// </summary>
internal static class UserEraser
{
    public static async Task<EraseReport> EraseAsync(DefaultConversationClient client, string user, BatchThrottle throttle, int maxConcurrency,
        int pageSize, IProgress<EraseProgress>? progress, CancellationToken cancellationToken)
    {
        var handled = new IdFingerprints();
        var failures = new List<DeleteConversationResult>();
        int listed = 0, deleted = 0, notFound = 0;
        ConversationApiError? listingError = null;
        string? cursor = null;

        void Report() => progress?.Report(new EraseProgress(listed, deleted, notFound, failures.Count));

        void Count(DeleteConversationResult result)
        {
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
                listingError = ex.Error ?? new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = ex.Message };
                break;
            }

            var fresh = new List<string>(page.Items.Count);
            foreach (var item in page.Items)
            {
                if (handled.Add(item.Id))
                {
                    fresh.Add(item.Id);
                }
            }

            listed += fresh.Count;
            Report();

            // A page with nothing new starts no batch.
            if (fresh.Count > 0)
            {
                await foreach (var result in BulkDeleter.RunAsync(client, BulkDeleter.ToAsync(fresh, cancellationToken), user, throttle, maxConcurrency, cancellationToken)
                    .ConfigureAwait(false))
                {
                    Count(result);
                    Report();
                }
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                break;
            }

            // After deleting, start again from the top, where the deleted ones are gone. A page with nothing new
            // is paged past: its last conversation still stands (its delete failed) or is still listed.
            if (fresh.Count > 0)
            {
                cursor = null;
            }
            else if (page.NextCursor is { } next && next != cursor)
            {
                cursor = next;
            }
            else
            {
                break;
            }
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
