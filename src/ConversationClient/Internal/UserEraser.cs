namespace ConversationClient.Internal;

/// <summary>
/// Erases a user: lists a page, deletes what it holds, and lists again. Deleted conversations drop out of the
/// listing, so each round starts again from the top; only when a page ends with a conversation that stays (its
/// delete failed) does the next page start after it. Memory holds the failures and the ids of the last two
/// pages (to count a conversation that is still listed just after its delete once), never every id.
/// </summary>
internal static class UserEraser
{
    public static async Task<EraseReport> EraseAsync(DefaultConversationClient client, string user, int maxConcurrency, int pageSize,
        IProgress<EraseProgress>? progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var throttle = new BatchThrottle(maxConcurrency, timeProvider);
        var failures = new List<DeleteConversationResult>();
        var failedIds = new HashSet<string>(StringComparer.Ordinal);
        var previousPage = new HashSet<string>(StringComparer.Ordinal);
        var currentPage = new HashSet<string>(StringComparer.Ordinal);
        int listed = 0, deleted = 0, notFound = 0;
        ConversationApiError? listingError = null;
        string? cursor = null;

        void Report() => progress?.Report(new EraseProgress(listed, deleted, notFound, failures.Count));

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

            (previousPage, currentPage) = (currentPage, previousPage);
            currentPage.Clear();
            var fresh = new List<string>(page.Items.Count);
            foreach (var item in page.Items)
            {
                if (!failedIds.Contains(item.Id) && !previousPage.Contains(item.Id) && currentPage.Add(item.Id))
                {
                    fresh.Add(item.Id);
                }
            }

            listed += fresh.Count;
            Report();
            if (fresh.Count > 0)
            {
                await foreach (var result in BulkDeleter.RunAsync(client, BulkDeleter.ToAsync(fresh), user, throttle, maxConcurrency, cancellationToken)
                    .ConfigureAwait(false))
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
                            failedIds.Add(result.ConversationId);
                            break;
                    }

                    Report();
                }
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                break;
            }

            // Start again from the top, where the deleted ones are gone, unless this page ends with one that stays
            // or brought nothing new: then page on after it.
            var last = page.Items[^1].Id;
            cursor = fresh.Count == 0 || failedIds.Contains(last) ? page.NextCursor ?? last : null;
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
