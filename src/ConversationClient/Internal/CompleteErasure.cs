using System.Globalization;

namespace ConversationClient.Internal;

/// <summary>
/// One conversation erased completely, as an erasure's delete (<see cref="UserEraser"/> hands it to
/// <see cref="BulkDeleter"/> in place of the plain delete): where the service lists the stored responses linked to a
/// conversation (Azure AI Foundry), every one of them first; where it keeps items after their conversation's delete
/// (OpenAI dialect), every item next; the conversation only when those listings come back empty; then, with
/// verification on, a look that the conversation is gone. Every call runs in the conversation's batch slot at the
/// batch's pace. The other operations pass through. <c>deleteItems</c> switches both steps: "what the conversation
/// leaves behind". <paramref name="stop"/> (the batch's gentle stop) ends a response or item step between two deletes,
/// leaving the conversation in place for a re-run, so a stopped run ends in about one call's time whatever the number
/// of items.
/// </summary>
internal sealed class CompleteErasure(IBatchOperations operations, bool deleteItems, bool verify, CancellationToken stop = default) : IBatchOperations
{
    /// <summary>How many items (stored responses) each listing page of a conversation being erased asks for (the service's largest page).</summary>
    public const int ItemPageSize = 100;

    private int _responsesNotChecked;

    /// <summary>
    /// How many conversations this erasure went on with although their stored responses could not be listed (the
    /// endpoint does not serve the list, or the conversation was gone): their results say <c>ResponsesDeleted</c> null.
    /// </summary>
    public int ResponsesNotChecked => Volatile.Read(ref _responsesNotChecked);

    public bool ListsStoredResponses => operations.ListsStoredResponses;

    public bool CursorOutlivesDeletes => operations.CursorOutlivesDeletes;

    public bool DeletesItemsWithConversation => operations.DeletesItemsWithConversation;

    public bool Verifies => verify;

    public async Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken)
    {
        int? responsesDeleted = null;
        if (deleteItems && operations.ListsStoredResponses)
        {
            var (deleted, listed, responsesLeft) = await DeleteResponsesAsync(conversationId, user, pacer, cancellationToken).ConfigureAwait(false);
            if (responsesLeft is not null)
            {
                return responsesLeft;
            }

            if (listed)
            {
                responsesDeleted = deleted;
            }
            else
            {
                Interlocked.Increment(ref _responsesNotChecked);
            }
        }

        var itemsDeleted = 0;
        var itemsSaidGone = false;
        if (deleteItems && !operations.DeletesItemsWithConversation)
        {
            var (deleted, itemsLeft, gone) = await DeleteItemsAsync(conversationId, user, responsesDeleted, pacer, cancellationToken).ConfigureAwait(false);
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
            return ItemsNeverListed(result, itemsDeleted, responsesDeleted);
        }

        if (!verify || result.Outcome == DeleteConversationOutcome.Failed)
        {
            return result.WithErasure(itemsDeleted, responsesDeleted, ErasureVerification.NotChecked);
        }

        var answered = result.WithErasure(itemsDeleted, responsesDeleted, ErasureVerification.NotChecked);
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
    private static DeleteConversationResult ItemsNeverListed(DeleteConversationResult deleted, int itemsDeleted, int? responsesDeleted) => new()
    {
        ConversationId = deleted.ConversationId,
        Outcome = DeleteConversationOutcome.Failed,
        StatusCode = deleted.StatusCode,
        Attempts = deleted.Attempts,
        RequestId = deleted.RequestId,
        ItemsDeleted = itemsDeleted,
        ResponsesDeleted = responsesDeleted,
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
            CallOutcome.NotFound => result.WithErasure(result.ItemsDeleted, result.ResponsesDeleted, ErasureVerification.Gone),
            CallOutcome.Succeeded => new DeleteConversationResult
            {
                ConversationId = result.ConversationId,
                Outcome = DeleteConversationOutcome.Failed,
                StatusCode = result.StatusCode,
                Attempts = result.Attempts,
                RequestId = result.RequestId,
                ItemsDeleted = result.ItemsDeleted,
                ResponsesDeleted = result.ResponsesDeleted,
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
    private async Task<(int Deleted, DeleteConversationResult? ItemsLeft, bool Gone)> DeleteItemsAsync(string conversationId, string? user,
        int? responsesDeleted, BatchPacer pacer, CancellationToken cancellationToken)
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
                    : (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, read.Failure.StatusCode, read.Failure.RequestId, read.Failure.Error?.Code,
                        $"its items could not be listed: {read.Failure.Error?.Message ?? read.Failure.Message}"), false);
            }

            var items = read.Page.Items;
            if (items.Count == 0)
            {
                // Empty, and the service says so: none left. Empty while it says it has more: not proven.
                return read.Page.HasMore
                    ? (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, null, null, null, "the service says it has more items but listed none"), false)
                    : (deleted, null, false);
            }

            foreach (var item in items)
            {
                if (Guard.ConversationIdProblem(item.Id) is { } problem)
                {
                    // ".." would address the conversation itself: never sent.
                    return (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, null, null, null, $"the service listed an item whose id cannot be sent ({problem})"), false);
                }

                // Answered as deleted (or not found) and listed again: deleting again would go on forever.
                if (answered?.Contains(item.Id) == true)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, null, null, null, $"the service still lists item {item.Id} after answering its delete"), false);
                }

                if (stop.IsCancellationRequested)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, null, null, null, "the run was stopped before all its items were deleted"), false);
                }

                var itemResult = await operations.DeleteItemAsync(conversationId, item.Id, user, pacer, cancellationToken).ConfigureAwait(false);
                if (itemResult.IsFailed)
                {
                    return (deleted, ItemsLeft(conversationId, deleted, responsesDeleted, itemResult.StatusCode, itemResult.RequestId, itemResult.Error.Code,
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
    /// Deletes the stored responses linked to the conversation, listing their first page again after each page until it
    /// comes back empty: the responses deleted, whether the listing was served (false: the endpoint answered that it does
    /// not serve the list, or the conversation is gone; the erasure goes on without this step), and the result to report
    /// instead of going on when some are left.
    /// </summary>
    private async Task<(int Deleted, bool Listed, DeleteConversationResult? ResponsesLeft)> DeleteResponsesAsync(string conversationId, string? user,
        BatchPacer pacer, CancellationToken cancellationToken)
    {
        var deleted = 0;
        HashSet<string>? answered = null;
        while (true)
        {
            var read = await operations.ReadResponsePageAsync(conversationId, user, null, ItemPageSize, pacer, cancellationToken).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                // Not served at all (the first listing): this endpoint keeps no list of stored responses to erase from,
                // so the conversation is erased without the step and its result says they were not checked. Once a
                // listing was served, a miss is a failure like any other.
                if (read.Gone || (read.NotServed && answered is null))
                {
                    return (deleted, false, null);
                }

                return (deleted, true, ResponsesLeft(conversationId, deleted, read.Failure.StatusCode, read.Failure.RequestId, read.Failure.Error?.Code,
                    $"its stored responses could not be listed: {read.Failure.Error?.Message ?? read.Failure.Message}"));
            }

            var ids = read.Page.Ids;
            if (ids.Count == 0)
            {
                return read.Page.HasMore
                    ? (deleted, true, ResponsesLeft(conversationId, deleted, null, null, null, "the service says it has more stored responses but listed none"))
                    : (deleted, true, null);
            }

            foreach (var id in ids)
            {
                if (Guard.ConversationIdProblem(id) is { } problem)
                {
                    // ".." would address the responses endpoint itself: never sent.
                    return (deleted, true, ResponsesLeft(conversationId, deleted, null, null, null,
                        $"the service listed a stored response whose id cannot be sent ({problem})"));
                }

                if (answered?.Contains(id) == true)
                {
                    return (deleted, true, ResponsesLeft(conversationId, deleted, null, null, null,
                        $"the service still lists stored response {id} after answering its delete"));
                }

                if (stop.IsCancellationRequested)
                {
                    return (deleted, true, ResponsesLeft(conversationId, deleted, null, null, null, "the run was stopped before all its stored responses were deleted"));
                }

                var responseResult = await operations.DeleteResponseAsync(conversationId, id, user, pacer, cancellationToken).ConfigureAwait(false);
                if (responseResult.IsFailed)
                {
                    return (deleted, true, ResponsesLeft(conversationId, deleted, responseResult.StatusCode, responseResult.RequestId, responseResult.Error.Code,
                        $"deleting stored response {id} failed after {Plural(responseResult.Attempts, "attempt")}: {responseResult.Error.Message ?? responseResult.Error.Code}"));
                }

                (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                if (responseResult.Outcome == CallOutcome.Succeeded)
                {
                    deleted++;
                }
            }
        }
    }

    /// <summary>The result of a conversation left in place for its items (<see cref="Left"/>).</summary>
    private static DeleteConversationResult ItemsLeft(string conversationId, int deleted, int? responsesDeleted, int? statusCode, string? requestId,
        string? causeCode, string why) =>
        Left(conversationId, deleted, responsesDeleted, statusCode, requestId, causeCode,
            $"The conversation was not deleted because {why}; {Plural(deleted, "item")} deleted before that. " +
            "It is left in place so that its items can still be listed: run the erasure again to finish.");

    /// <summary>The result of a conversation left in place for its stored responses, which are listed by it (<see cref="Left"/>).</summary>
    private static DeleteConversationResult ResponsesLeft(string conversationId, int deleted, int? statusCode, string? requestId, string? causeCode, string why) =>
        Left(conversationId, 0, deleted, statusCode, requestId, causeCode,
            $"The conversation was not deleted because {why}; {Plural(deleted, "stored response")} deleted before that. " +
            "It is left in place so that its stored responses can still be listed by it: run the erasure again to finish.");

    /// <summary>
    /// The result of a conversation left in place for what it leaves behind: <see cref="ConversationApiError.ItemsLeftCode"/>, or the
    /// cause's own code when it is what the caller must act on before running again, as for the conversations not sent:
    /// <see cref="ConversationApiError.RateLimitedCode"/> (the batch gave up under a rate limit: wait) or
    /// <see cref="ConversationApiError.CredentialUnavailableCode"/> (no credential: fix it).
    /// </summary>
    private static DeleteConversationResult Left(string conversationId, int itemsDeleted, int? responsesDeleted, int? statusCode, string? requestId,
        string? causeCode, string message) => new()
    {
        ConversationId = conversationId,
        Outcome = DeleteConversationOutcome.Failed,
        StatusCode = statusCode,
        RequestId = requestId,
        ItemsDeleted = itemsDeleted,
        ResponsesDeleted = responsesDeleted,
        Error = new ConversationApiError
        {
            Code = causeCode is ConversationApiError.RateLimitedCode or ConversationApiError.CredentialUnavailableCode
                ? causeCode
                : ConversationApiError.ItemsLeftCode,
            Message = message,
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

    public Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, string? cursor, int pageSize, BatchPacer pacer,
        CancellationToken cancellationToken) =>
        operations.ReadResponsePageAsync(conversationId, user, cursor, pageSize, pacer, cancellationToken);

    public Task<CallResult> DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        operations.DeleteResponseAsync(conversationId, responseId, user, pacer, cancellationToken);
}
