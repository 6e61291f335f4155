using System.Globalization;

namespace ConversationClient.Internal;

/// <summary>
/// One conversation erased completely, as an erasure's delete (<see cref="UserEraser"/> hands it to
/// <see cref="BulkDeleter"/> in place of the plain delete): where the service keeps items after their conversation's
/// delete (OpenAI dialect), every item first, and the conversation only when a listing of its items comes back empty;
/// then, with verification on, a look that the conversation is gone. Every call runs in the conversation's batch slot
/// at the batch's pace. The other operations pass through. <paramref name="stop"/> (the batch's gentle stop) ends an
/// item step between two item deletes, leaving the conversation in place for a re-run, so a stopped run ends in about
/// one call's time whatever the number of items.
/// </summary>
internal sealed class CompleteErasure(IBatchOperations operations, bool deleteItems, bool verify, CancellationToken stop = default) : IBatchOperations
{
    /// <summary>How many items each listing page of a conversation being erased asks for (the service's largest page).</summary>
    public const int ItemPageSize = 100;

    public bool CursorOutlivesDeletes => operations.CursorOutlivesDeletes;

    public bool DeletesItemsWithConversation => operations.DeletesItemsWithConversation;

    public bool Verifies => verify;

    public async Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken)
    {
        var itemsDeleted = 0;
        var itemsSaidGone = false;
        if (deleteItems && !operations.DeletesItemsWithConversation)
        {
            var (deleted, itemsLeft, gone) = await DeleteItemsAsync(conversationId, user, pacer, cancellationToken).ConfigureAwait(false);
            if (itemsLeft is not null)
            {
                return itemsLeft;
            }

            itemsDeleted = deleted;
            itemsSaidGone = gone;
        }

        var result = await operations.DeleteAsync(conversationId, user, pacer, cancellationToken).ConfigureAwait(false);
        if (itemsSaidGone && result.Outcome == DeleteConversationOutcome.Deleted)
        {
            return ItemsNeverListed(result, itemsDeleted);
        }

        if (!verify || result.Outcome == DeleteConversationOutcome.Failed)
        {
            return result.WithErasure(itemsDeleted, ErasureVerification.NotChecked);
        }

        var answered = result.WithErasure(itemsDeleted, ErasureVerification.NotChecked);
        try
        {
            return await CheckGoneAsync(answered, user, pacer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Canceled during the look: the delete's answer stands (reported, not checked), rather than an unknown outcome.
            return answered;
        }
    }

    /// <summary>
    /// The service said the conversation did not exist when its items were listed, then answered its delete as done:
    /// whatever items it had were never listed, and once it is deleted nothing can list them. Not an erasure to report as done.
    /// </summary>
    private static DeleteConversationResult ItemsNeverListed(DeleteConversationResult deleted, int itemsDeleted) => new()
    {
        ConversationId = deleted.ConversationId,
        Outcome = DeleteConversationOutcome.Failed,
        StatusCode = deleted.StatusCode,
        Attempts = deleted.Attempts,
        RequestId = deleted.RequestId,
        ItemsDeleted = itemsDeleted,
        Error = new ConversationApiError
        {
            Code = ConversationApiError.UnexpectedResponseCode,
            Message = "The service said the conversation did not exist when its items were listed, then answered its delete as done: " +
                "its items were not listed, so any it had may be left stored where nothing can list them any more.",
        },
    };

    /// <summary>
    /// Asks the service for the conversation of <paramref name="result"/>, which it answered as deleted (or not found):
    /// gone, still present (then the result is a failure: it is not erased), or not checked when the look itself failed.
    /// </summary>
    public async Task<DeleteConversationResult> CheckGoneAsync(DeleteConversationResult result, string? user, BatchPacer pacer,
        CancellationToken cancellationToken)
    {
        var check = await operations.GetConversationAsync(result.ConversationId, user, pacer, cancellationToken).ConfigureAwait(false);
        return check.Outcome switch
        {
            CallOutcome.NotFound => result.WithErasure(result.ItemsDeleted, ErasureVerification.Gone),
            CallOutcome.Succeeded => new DeleteConversationResult
            {
                ConversationId = result.ConversationId,
                Outcome = DeleteConversationOutcome.Failed,
                StatusCode = result.StatusCode,
                Attempts = result.Attempts,
                RequestId = result.RequestId,
                ItemsDeleted = result.ItemsDeleted,
                Verification = ErasureVerification.StillPresent,
                Supersedes = result.Supersedes,
                Error = new ConversationApiError
                {
                    Code = ConversationApiError.StillPresentCode,
                    Message = $"The service answered the delete ({result.Outcome}), yet still has the conversation when asked for it " +
                        $"(HTTP {Number(check.StatusCode)}): it is not erased. Run the erasure again.",
                },
            },
            _ => result,
        };
    }

    /// <summary>
    /// Asks again for a conversation this run erased (its result was <paramref name="earlier"/>) that the listing shows
    /// once more: the result that replaces the earlier one when it is still there (<see cref="DeleteConversationResult.Supersedes"/>).
    /// </summary>
    public Task<DeleteConversationResult> RecheckAsync(string conversationId, DeleteConversationOutcome earlier, string? user, BatchPacer pacer,
        CancellationToken cancellationToken) =>
        CheckGoneAsync(new DeleteConversationResult { ConversationId = conversationId, Outcome = earlier, Supersedes = earlier }, user, pacer, cancellationToken);

    /// <summary>
    /// Deletes the conversation's items, listing its first page again after each page until it comes back empty: the
    /// items deleted, the result to report instead of deleting the conversation when some are left, and whether the
    /// listing said the conversation does not exist.
    /// </summary>
    private async Task<(int Deleted, DeleteConversationResult? ItemsLeft, bool Gone)> DeleteItemsAsync(string conversationId, string? user, BatchPacer pacer,
        CancellationToken cancellationToken)
    {
        var deleted = 0;

        // The items whose deletes the service answered: one of them listed again means the deletes do not take.
        HashSet<string>? answered = null;
        while (true)
        {
            // Always the first page: what was deleted is gone from it, so no cursor can name a deleted item.
            var read = await operations.ReadItemPageAsync(conversationId, user, null, ItemPageSize, ConversationListOrder.OldestFirst, pacer, cancellationToken)
                .ConfigureAwait(false);
            if (!read.Succeeded)
            {
                // Gone already: no item can be reached any more, and the conversation's delete says not found.
                return read.Gone
                    ? (deleted, null, true)
                    : (deleted, ItemsLeft(conversationId, deleted, read.Failure.StatusCode, read.Failure.RequestId, read.Failure.Error?.Code,
                        $"its items could not be listed: {read.Failure.Error?.Message ?? read.Failure.Message}"), false);
            }

            var items = read.Page.Items;
            if (items.Count == 0)
            {
                // Empty, and the service says so: none left. Empty while it says it has more: not proven.
                return read.Page.HasMore
                    ? (deleted, ItemsLeft(conversationId, deleted, null, null, null, "the service says it has more items but listed none"), false)
                    : (deleted, null, false);
            }

            foreach (var item in items)
            {
                if (Guard.ConversationIdProblem(item.Id) is { } problem)
                {
                    // ".." would address the conversation itself: never sent.
                    return (deleted, ItemsLeft(conversationId, deleted, null, null, null, $"the service listed an item whose id cannot be sent ({problem})"), false);
                }

                // Answered as deleted (or not found) and listed again: deleting again would go on forever.
                if (answered?.Contains(item.Id) == true)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, null, null, null, $"the service still lists item {item.Id} after answering its delete"), false);
                }

                if (stop.IsCancellationRequested)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, null, null, null, "the run was stopped before all its items were deleted"), false);
                }

                var itemResult = await operations.DeleteItemAsync(conversationId, item.Id, user, pacer, cancellationToken).ConfigureAwait(false);
                if (itemResult.IsFailed)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, itemResult.StatusCode, itemResult.RequestId, itemResult.Error.Code,
                        $"deleting item {item.Id} failed after {Plural(itemResult.Attempts, "attempt")}: {itemResult.Error.Message ?? itemResult.Error.Code}"), false);
                }

                (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(item.Id);
                if (itemResult.Outcome == CallOutcome.Succeeded)
                {
                    deleted++;
                }
            }
        }
    }

    /// <summary>
    /// The result of a conversation left in place for its items: <see cref="ConversationApiError.ItemsLeftCode"/>, or the
    /// cause's own code when it is what the caller must act on before running again, as for the conversations not sent:
    /// <see cref="ConversationApiError.RateLimitedCode"/> (the batch gave up under a rate limit: wait) or
    /// <see cref="ConversationApiError.CredentialUnavailableCode"/> (no credential: fix it).
    /// </summary>
    private static DeleteConversationResult ItemsLeft(string conversationId, int deleted, int? statusCode, string? requestId, string? causeCode, string why) => new()
    {
        ConversationId = conversationId,
        Outcome = DeleteConversationOutcome.Failed,
        StatusCode = statusCode,
        RequestId = requestId,
        ItemsDeleted = deleted,
        Error = new ConversationApiError
        {
            Code = causeCode is ConversationApiError.RateLimitedCode or ConversationApiError.CredentialUnavailableCode
                ? causeCode
                : ConversationApiError.ItemsLeftCode,
            Message = $"The conversation was not deleted because {why}; {Plural(deleted, "item")} deleted before that. " +
                "It is left in place so that its items can still be listed: run the erasure again to finish.",
        },
    };

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "no answer";

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(CultureInfo.InvariantCulture)} {noun}s";

    public Task<PageRead<ConversationPage>> ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken) =>
        operations.ReadPageAsync(user, cursor, pageSize, cancellationToken);

    public Task<PageRead<ItemPage>> ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        BatchPacer? pacer, CancellationToken cancellationToken) =>
        operations.ReadItemPageAsync(conversationId, user, cursor, pageSize, order, pacer, cancellationToken);

    public Task<CallResult> DeleteItemAsync(string conversationId, string itemId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        operations.DeleteItemAsync(conversationId, itemId, user, pacer, cancellationToken);

    public Task<CallResult> GetConversationAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken) =>
        operations.GetConversationAsync(conversationId, user, pacer, cancellationToken);
}
