namespace ConversationClient.Internal;

/// <summary>
/// Erases a user: lists a page, deletes what it holds that this run has not handled yet, and lists the next page, so
/// list calls grow with the pages, not with their square. It streams one result per conversation it deleted (through
/// <see cref="BulkDeleter"/>) and writes the rest into an <see cref="ErasureTally"/>; both the streamed erasure and the
/// counting one are this. Every id is handled once: the run remembers a fingerprint per id it handled, not the ids.
/// <list type="bullet">
/// <item>A cursor that outlives deletes (OpenAI's <c>after</c>): the run pages on from each page's last id.</item>
/// <item>A cursor that must name a conversation that still exists (Dify's <c>last_id</c>): the run pages on from the
/// last conversation it knows still stands (its delete failed, it was skipped, or it was listed again after being
/// handled), or from where the page was asked when it knows none: everything before that point that it deleted is gone
/// from the listing. Should that conversation be gone after all (a delete that failed but did happen), the page read
/// says so and the run starts again from the top, as long as it made progress since it last did.</item>
/// </list>
/// The stop token ends the run gently: no page is listed and no delete starts after it; those in flight are reported.
/// </summary>
internal static class UserEraser
{
    public static async IAsyncEnumerable<DeleteConversationResult> RunAsync(CompleteErasure operations, string user, BatchSettings batch,
        int pageSize, ErasureTally tally, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var handled = new IdFingerprints();

        // What this run reported deleted or not found, for the verification pass, and what that pass looked at again.
        var deleted = new IdFingerprints();
        var notFound = new IdFingerprints();
        var rechecked = new IdFingerprints();
        var verifying = false;
        var deletes = batch.WithoutSkip();
        string? cursor = null;
        var cursorOutlivesDeletes = operations.CursorOutlivesDeletes;
        var progressSinceTop = false;

        // The cursors this pass asked with (a cursor that outlives deletes), or those asked since a page last brought
        // something new (one that does not, which asks from the same place again after deleting what stood there):
        // one of them again leads round the same pages (cursors that cycle, A to B to A), never to the end.
        var asked = new HashSet<string>(StringComparer.Ordinal);

        while (true)
        {
            if (batch.StopToken.IsCancellationRequested)
            {
                tally.Stopped = true;
                yield break;
            }

            var read = await operations.ReadPageAsync(user, cursor, pageSize, cancellationToken).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                // The conversation paged on from is gone after all. Start again from the top, where what this run
                // deleted is gone too, unless nothing was done since the last start (no endless loop).
                if (read.Gone && cursor is not null && progressSinceTop)
                {
                    cursor = null;
                    progressSinceTop = false;
                    asked.Clear();
                    continue;
                }

                tally.ListingFailure = read.Failure;
                tally.ListingError = read.Failure.Error
                    ?? new ConversationApiError { Code = ConversationApiError.HttpErrorCode, Message = read.Failure.Message };
                yield break;
            }

            var page = read.Page;
            var fresh = new List<string>(page.Items.Count);

            // The last conversation of the page known to still stand, to page on from when the cursor needs one.
            string? standing = null;
            var newToRun = 0;
            foreach (var item in page.Items)
            {
                if (!handled.Add(item.Id))
                {
                    var earlier = deleted.Contains(item.Id) ? DeleteConversationOutcome.Deleted
                        : notFound.Contains(item.Id) ? DeleteConversationOutcome.NotFound
                        : (DeleteConversationOutcome?)null;
                    if (verifying && earlier is { } outcome && rechecked.Add(item.Id))
                    {
                        // The verification pass lists one this run erased: ask for it again. Gone: the listing lags.
                        var again = await operations.RecheckAsync(item.Id, outcome, user, batch.Pacer, cancellationToken).ConfigureAwait(false);
                        if (again.Verification == ErasureVerification.Gone)
                        {
                            continue;
                        }

                        // Still there, or the look itself failed: a later result for the id says which, and replaces
                        // the earlier one (which said it gone, or was not checked either).
                        if (again.Verification == ErasureVerification.StillPresent)
                        {
                            tally.StillPresent.Add(item.Id);
                        }
                        else
                        {
                            tally.Unverified++;
                        }

                        yield return again;
                    }

                    // Handled before and listed again: it still stands (its delete failed, or the listing lags).
                    standing = item.Id;
                    continue;
                }

                newToRun++;
                if (batch.ShouldSkip?.Invoke(item.Id) == true)
                {
                    // Left alone at the caller's word: it stands.
                    tally.Skipped++;
                    standing = item.Id;
                    continue;
                }

                fresh.Add(item.Id);
            }

            tally.Listed += newToRun;
            progressSinceTop |= newToRun > 0;
            tally.PageListed?.Invoke();

            // A page with nothing new starts no batch.
            if (fresh.Count > 0)
            {
                HashSet<string>? failed = null;
                await foreach (var result in BulkDeleter.RunAsync(operations, BulkDeleter.ToAsync(fresh), user, deletes, cancellationToken)
                    .ConfigureAwait(false))
                {
                    tally.ItemsDeleted += result.ItemsDeleted;
                    tally.ResponsesDeleted += result.ResponsesDeleted ?? 0;
                    switch (result.Outcome)
                    {
                        case DeleteConversationOutcome.Failed:
                            (failed ??= new HashSet<string>(StringComparer.Ordinal)).Add(result.ConversationId);
                            break;
                        case DeleteConversationOutcome.Deleted:
                            deleted.Add(result.ConversationId);
                            break;
                        default:
                            notFound.Add(result.ConversationId);
                            break;
                    }

                    if (result.Verification == ErasureVerification.StillPresent)
                    {
                        tally.StillPresent.Add(result.ConversationId);
                    }
                    else if (operations.Verifies && result.Outcome != DeleteConversationOutcome.Failed && result.Verification == ErasureVerification.NotChecked)
                    {
                        tally.Unverified++;
                    }

                    yield return result;
                }

                if (batch.StopToken.IsCancellationRequested)
                {
                    // Ids of this page may not have started: the run did not reach the end.
                    tally.Stopped = true;
                    yield break;
                }

                if (failed is not null)
                {
                    // In page order: the last one whose delete failed, or an earlier standing one.
                    for (var i = page.Items.Count - 1; i >= 0; i--)
                    {
                        var id = page.Items[i].Id;
                        if (failed.Contains(id) || id == standing)
                        {
                            standing = id;
                            break;
                        }
                    }
                }
            }

            if (batch.Pacer.HasGivenUp)
            {
                // The service let no delete through for the total timeout: listing on would only add ids not sent.
                var message = Http.BatchGaveUpException.Describe(batch.Pacer.RefusingFor) +
                    " The erasure stopped before the end of the listing; run it again later to continue.";
                tally.ListingError = ResultMapper.RateLimited(message);
                tally.ListingFailure = new ConversationApiException(message, null, tally.ListingError);
                yield break;
            }

            // A cursor that outlives deletes: after the page's last id. Otherwise: after the last conversation of this
            // page known to stand; with none, from where this page was asked (what it held that was deleted is gone).
            var next = cursorOutlivesDeletes ? page.NextCursor : standing ?? cursor;
            if (!cursorOutlivesDeletes && newToRun > 0)
            {
                asked.Clear();
            }

            if (cursor is not null)
            {
                asked.Add(cursor);
            }

            // Back to a place already asked: where the cursor outlives deletes, any cursor of the pass (the same one
            // again: a server that ignores it); where it does not, an earlier one since a page last brought something new.
            var goesRound = next is not null && asked.Contains(next) && (cursorOutlivesDeletes || next != cursor);

            // "More", yet an empty page, no cursor to go on from, or one that goes round: the rest of the listing cannot
            // be seen. Not the end of it: an erasure that stopped here would say complete with conversations left.
            if (page.HasMore && (page.Items.Count == 0 || (cursorOutlivesDeletes && next is null) || goesRound))
            {
                tally.ListingError = DefaultConversationClient.NoWayOnError(emptyPage: page.Items.Count == 0);
                tally.ListingFailure = new ConversationApiException($"Listing conversations failed: {tally.ListingError.Message}", null, tally.ListingError);
                yield break;
            }

            // The last page, no cursor to go on from, or the same place again when this page changed nothing: the
            // listing is done. With verification, list once more from the top: what this run erased must not be there.
            if (!page.HasMore || (next == cursor && newToRun == 0))
            {
                if (operations.Verifies && !verifying)
                {
                    verifying = true;
                    cursor = null;
                    progressSinceTop = false;
                    asked.Clear();
                    continue;
                }

                tally.VerificationFinished = verifying;
                yield break;
            }

            cursor = next;
        }
    }
}
