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
            var responses = await DeleteResponsesAsync(conversationId, user, pacer, cancellationToken).ConfigureAwait(false);
            if (responses.Left is not null)
            {
                return responses.Left;
            }

            if (!responses.WentOnWithout)
            {
                responsesDeleted = responses.Deleted;
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
            var items = await DeleteItemsAsync(conversationId, user, responsesDeleted, pacer, cancellationToken).ConfigureAwait(false);
            if (items.Left is not null)
            {
                return items.Left;
            }

            itemsDeleted = items.Deleted;
            itemsSaidGone = items.WentOnWithout;
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
    private static DeleteConversationResult ItemsNeverListed(DeleteConversationResult deleted, int itemsDeleted, int? responsesDeleted) =>
        deleted.WithErasure(itemsDeleted, responsesDeleted, ErasureVerification.NotChecked).AsFailed(new ConversationApiError
        {
            Code = ConversationApiError.UnexpectedResponseCode,
            Message = "The service said the conversation did not exist when its items were listed, then answered its delete as done: " +
                "its items were not listed, so any it had may be left stored where nothing can list them any more.",
        }, ErasureVerification.NotChecked);

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
            CallOutcome.Succeeded => result.AsFailed(new ConversationApiError
            {
                Code = ConversationApiError.StillPresentCode,
                Message = $"The service answered the delete ({result.Outcome}), yet still has the conversation when asked for it " +
                    $"(HTTP {Number(check.StatusCode)}): it is not erased. Run the erasure again.",
            }, ErasureVerification.StillPresent),
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
    /// Deletes the conversation's items (see <see cref="DeleteAllAsync{TPage}"/>): a listing that says the conversation
    /// does not exist ends the step without a result (<see cref="StepEnd.WentOnWithout"/>), as its delete will say.
    /// </summary>
    private Task<StepEnd> DeleteItemsAsync(string conversationId, string? user, int? responsesDeleted, BatchPacer pacer, CancellationToken cancellationToken) =>
        DeleteAllAsync(
            new Noun("item", "an item"),
            () => operations.ReadItemPageAsync(conversationId, user, null, ItemPageSize, ConversationListOrder.OldestFirst, pacer, cancellationToken),
            static page => (page.Items.Select(item => item.Id).ToList(), page.HasMore),
            itemId => operations.DeleteItemAsync(conversationId, itemId, user, pacer, cancellationToken),
            static (read, _) => read.Gone,
            (deleted, statusCode, requestId, causeCode, why) => ItemsLeft(conversationId, deleted, responsesDeleted, statusCode, requestId, causeCode, why));

    /// <summary>
    /// Deletes the stored responses linked to the conversation (see <see cref="DeleteAllAsync{TPage}"/>): a first listing
    /// the endpoint does not serve, or one that says the conversation is gone, ends the step without a result
    /// (<see cref="StepEnd.WentOnWithout"/>: the erasure goes on and says they were not checked). Once a listing was
    /// served, a miss is a failure like any other.
    /// </summary>
    private Task<StepEnd> DeleteResponsesAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        DeleteAllAsync(
            new Noun("stored response", "a stored response"),
            () => operations.ReadResponsePageAsync(conversationId, user, ItemPageSize, pacer, cancellationToken),
            static page => (page.Ids, page.HasMore),
            responseId => operations.DeleteResponseAsync(conversationId, responseId, user, pacer, cancellationToken),
            static (read, started) => read.Gone || (read.NotServed && !started),
            (deleted, statusCode, requestId, causeCode, why) => ResponsesLeft(conversationId, deleted, statusCode, requestId, causeCode, why));

    /// <summary>
    /// Deletes everything a listing of the conversation shows (its items, its stored responses), listing the first page
    /// again after each page until it comes back empty (what was deleted is gone from it, so no cursor can name a deleted
    /// one). Ends with what was deleted and, when some are left, the result to report instead of deleting the
    /// conversation: a listing that fails (unless <paramref name="goesOnWithout"/> says the step ends there, given the
    /// failed read and whether anything was answered yet), an empty page that says more, an id that cannot be sent (".."
    /// would address the collection), one listed again after its delete was answered (deleting again would go on
    /// forever), the batch's stop, a delete that failed.
    /// </summary>
    private async Task<StepEnd> DeleteAllAsync<TPage>(Noun noun, Func<Task<PageRead<TPage>>> readFirstPage,
        Func<TPage, (IReadOnlyList<string> Ids, bool HasMore)> contents, Func<string, Task<CallResult>> delete,
        Func<PageRead<TPage>, bool, bool> goesOnWithout, Func<int, int?, string?, string?, string, DeleteConversationResult> left)
        where TPage : class
    {
        var deleted = 0;
        HashSet<string>? answered = null;
        while (true)
        {
            var read = await readFirstPage().ConfigureAwait(false);
            if (!read.Succeeded)
            {
                return goesOnWithout(read, answered is not null)
                    ? new StepEnd(deleted, null, WentOnWithout: true)
                    : new StepEnd(deleted, left(deleted, read.Failure.StatusCode, read.Failure.RequestId, read.Failure.Error?.Code,
                        $"its {noun.Plural} could not be listed: {read.Failure.Error?.Message ?? read.Failure.Message}"));
            }

            var (ids, hasMore) = contents(read.Page);
            if (ids.Count == 0)
            {
                return new StepEnd(deleted, hasMore ? left(deleted, null, null, null, $"the service says it has more {noun.Plural} but listed none") : null);
            }

            foreach (var id in ids)
            {
                var refused = Guard.ConversationIdProblem(id) is { } problem ? $"the service listed {noun.WithArticle} whose id cannot be sent ({problem})"
                    : answered?.Contains(id) == true ? $"the service still lists {noun.Singular} {id} after answering its delete"
                    : stop.IsCancellationRequested ? $"the run was stopped before all its {noun.Plural} were deleted"
                    : null;
                if (refused is not null)
                {
                    return new StepEnd(deleted, left(deleted, null, null, null, refused));
                }

                var result = await delete(id).ConfigureAwait(false);
                if (result.IsFailed)
                {
                    return new StepEnd(deleted, left(deleted, result.StatusCode, result.RequestId, result.Error.Code,
                        $"deleting {noun.Singular} {id} failed after {Plural(result.Attempts, "attempt")}: {result.Error.Message ?? result.Error.Code}"));
                }

                (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                if (result.Outcome == CallOutcome.Succeeded)
                {
                    deleted++;
                }
            }
        }
    }

    /// <summary>What a conversation's item or stored-response step is called in its messages.</summary>
    private readonly record struct Noun(string Singular, string WithArticle)
    {
        public string Plural => Singular + "s";
    }

    /// <summary>
    /// How a step ended: what it deleted, and either the result to report instead of going on (<see cref="Left"/>), or
    /// that the listing ended it without one (<see cref="WentOnWithout"/>), or neither (none left).
    /// </summary>
    private readonly record struct StepEnd(int Deleted, DeleteConversationResult? Left, bool WentOnWithout = false);

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

    public Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, int pageSize, BatchPacer pacer,
        CancellationToken cancellationToken) =>
        operations.ReadResponsePageAsync(conversationId, user, pageSize, pacer, cancellationToken);

    public Task<CallResult> DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        operations.DeleteResponseAsync(conversationId, responseId, user, pacer, cancellationToken);
}
