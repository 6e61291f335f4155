using System.Runtime.CompilerServices;
using ConversationClient.Dialects;
using ConversationClient.Pipeline;

namespace ConversationClient.Internal;

/// <summary>The facade: checks arguments, calls the dialect's API, and maps what comes back into results.</summary>
internal sealed class DefaultConversationClient : IConversationClient, IBatchOperations
{
    private readonly ClientSettings _settings;
    private readonly ConversationDialect _dialect;
    private readonly IConversationApi _api;
    private readonly TimeProvider _timeProvider;
    private readonly ConversationTelemetry _telemetry;

    // A null telemetry still traces and meters, and writes no logs.
    public DefaultConversationClient(ClientSettings settings, TimeProvider timeProvider, IConversationApi api, ConversationTelemetry? telemetry = null)
    {
        _settings = settings;
        _dialect = settings.DialectRules;
        _api = api;
        _timeProvider = timeProvider;
        _telemetry = telemetry ?? new ConversationTelemetry(settings, loggerFactory: null);
    }

    /// <summary>
    /// A client whose dialect API runs on <paramref name="httpClient"/> (a new client, whose handler chain holds the
    /// resilience handler): its base address becomes the service's, which the Refit paths are relative to.
    /// </summary>
    public static DefaultConversationClient Create(HttpClient httpClient, ClientSettings settings, TimeProvider timeProvider,
        ConversationTelemetry? telemetry = null)
    {
        httpClient.BaseAddress = settings.BaseAddress;
        return new(settings, timeProvider, settings.DialectRules.CreateApi(httpClient), telemetry);
    }

    public Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user = null, CancellationToken cancellationToken = default)
    {
        Guard.ConversationId(conversationId, nameof(conversationId));
        Guard.User(user, _dialect, nameof(user));
        return DeleteCoreAsync(conversationId, user, null, cancellationToken);
    }

    /// <summary>One delete with checked arguments; <paramref name="pacer"/> paces its attempts (batches only).</summary>
    internal async Task<DeleteConversationResult> DeleteCoreAsync(string conversationId, string? user, BatchPacer? pacer,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startTimestamp = _timeProvider.GetTimestamp();
        var activity = _telemetry.DeleteStarted(conversationId, user);
        var call = new CallState
        {
            Operation = CallOperation.DeleteConversation,
            ConversationId = conversationId,
            User = user,
            Telemetry = _telemetry,
            Activity = activity,
            Pacer = pacer,
        };
        DeleteConversationResult result;
        Exception? failure = null;
        try
        {
            HttpResponseMessage? response = null;
            try
            {
                response = await _api.DeleteAsync(conversationId, user, call, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ResultMapper.IsTransportFailure(ex))
            {
                failure = ex;
            }

            if (response is null)
            {
                result = ResultMapper.FromException(conversationId, failure!, call);
            }
            else
            {
                using (response)
                {
                    result = ResultMapper.FromDeleteResponse(conversationId, response, call);
                }
            }
        }
        catch (Exception ex)
        {
            _telemetry.DeleteAborted(activity, conversationId, ex, call, _timeProvider.GetElapsedTime(startTimestamp));
            throw;
        }

        _telemetry.DeleteFinished(activity, result, user, call, _timeProvider.GetElapsedTime(startTimestamp), failure);
        return result;
    }

    public IAsyncEnumerable<ConversationSummary> ListAsync(string? user = null, ConversationListOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Guard.User(user, _dialect, nameof(user));
        var pageSize = options?.PageSize ?? new ConversationListOptions().PageSize;
        Guard.InRange(pageSize, 1, 100, "options.PageSize");
        return ListCoreAsync(user, pageSize, options?.Order, null, cancellationToken);
    }

    /// <summary>The user's conversations, page by page; <paramref name="pacer"/> paces the page reads (an export's), null for none.</summary>
    private async IAsyncEnumerable<ConversationSummary> ListCoreAsync(string? user, int pageSize, ConversationListOrder? order, BatchPacer? pacer,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var asked = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var read = await ReadPageAsync(user, cursor, pageSize, order, pacer, cancellationToken).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                throw read.Failure;
            }

            var page = read.Page;
            foreach (var item in page.Items)
            {
                yield return item;
            }

            if (!page.HasMore)
            {
                yield break;
            }

            // "More", yet no way to it (no item, no cursor, or a cursor already asked with): never a silently short listing.
            if (NoWayOn(page.Items.Count, page.NextCursor, asked) is { } problem)
            {
                throw new ConversationApiException($"Listing conversations failed: {problem.Message}", null, problem);
            }

            cursor = page.NextCursor;
        }
    }

    /// <summary>
    /// Why a page that says the service has more cannot lead to it: it brought nothing, or no cursor, or a cursor the
    /// listing was already asked with (a server that ignores the cursor would answer the same page forever, one whose
    /// cursors cycle, A to B to A, the same pages); null when it can, and then <paramref name="asked"/> holds the new cursor.
    /// </summary>
    internal static ConversationApiError? NoWayOn(int count, string? nextCursor, HashSet<string> asked) =>
        count == 0 || nextCursor is null || !asked.Add(nextCursor) ? NoWayOnError(emptyPage: count == 0) : null;

    /// <summary>The error of a page that says the service has more but cannot lead to it (<see cref="NoWayOn"/>).</summary>
    internal static ConversationApiError NoWayOnError(bool emptyPage) => new()
    {
        Code = ConversationApiError.UnexpectedResponseCode,
        Message = emptyPage
            ? "the service said it has more but sent an empty page, so the rest cannot be read."
            : "the service said it has more but the page gives no new place to go on from, so the rest cannot be read.",
    };

    public IAsyncEnumerable<ConversationItem> ListItemsAsync(string conversationId, string? user = null, ConversationItemListOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Guard.ConversationId(conversationId, nameof(conversationId));
        Guard.User(user, _dialect, nameof(user));
        options ??= new ConversationItemListOptions();
        Guard.InRange(options.PageSize, 1, 100, "options.PageSize");
        return ListItemsCoreAsync(conversationId, user, options.PageSize, options.Order, cancellationToken);
    }

    private async IAsyncEnumerable<ConversationItem> ListItemsCoreAsync(string conversationId, string? user, int pageSize, ConversationListOrder order,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failure = new StrongBox<PageRead<ItemPage>?>();
        await foreach (var item in ItemsInOrderAsync(conversationId, user, pageSize, order, null, failure, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }

        if (failure.Value is { } failed)
        {
            throw failed.Failure!;
        }
    }

    /// <summary>
    /// A conversation's items in <paramref name="order"/>, page by page; a page that fails ends them and is left in
    /// <paramref name="failure"/> (the caller throws it, or sees the conversation gone). Where the dialect's pages step
    /// back in time (Dify), newest first yields each page reversed, and oldest first reads all the pages before
    /// yielding the oldest. <paramref name="pacer"/> paces the page reads (an export's), null for none.
    /// </summary>
    private async IAsyncEnumerable<ConversationItem> ItemsInOrderAsync(string conversationId, string? user, int pageSize, ConversationListOrder order,
        BatchPacer? pacer, StrongBox<PageRead<ItemPage>?> failure, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stepBack = _dialect.ItemPagesStepBack;
        var held = stepBack && order == ConversationListOrder.OldestFirst ? new List<ItemPage>() : null;
        string? cursor = null;
        var asked = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var read = await ReadItemPageAsync(conversationId, user, cursor, pageSize, order, pacer, cancellationToken).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                failure.Value = read;
                yield break;
            }

            var page = read.Page;
            if (held is not null)
            {
                held.Add(page);
            }
            else
            {
                for (var i = 0; i < page.Items.Count; i++)
                {
                    yield return page.Items[stepBack ? page.Items.Count - 1 - i : i];
                }
            }

            if (!page.HasMore)
            {
                break;
            }

            // "More", yet no way to it (no item, no cursor, or a cursor already asked with): never a silently short read.
            if (NoWayOn(page.Items.Count, page.NextCursor, asked) is { } problem)
            {
                failure.Value = PageRead<ItemPage>.Failed(new ConversationApiException(
                    $"Reading the items of conversation '{conversationId}' failed: {problem.Message}", null, problem));
                yield break;
            }

            cursor = page.NextCursor;
        }

        for (var p = (held?.Count ?? 0) - 1; p >= 0; p--)
        {
            foreach (var item in held![p].Items)
            {
                yield return item;
            }
        }
    }

    public IAsyncEnumerable<ConversationExport> ExportUserAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        Guard.User(user, _dialect, nameof(user));
        return ExportCoreAsync(user, cancellationToken);
    }

    /// <summary>
    /// The user's conversations, a listing page at a time, each with all its items, oldest first: one conversation's items
    /// in memory at a time. Its page reads run at a pace, as a batch's attempts do (<see cref="BatchPacer"/>): an export is
    /// thousands of reads, and under a service's rate limit a 429 slows it down instead of using up a read's retries (the
    /// export fails with <c>rate_limited</c> only when the service refuses everything for the client's TotalTimeout).
    /// The conversations are listed oldest first, by creation: Dify's own order is by last activity, in which a
    /// conversation the user writes in while the export runs moves above the pages already read and is never reached.
    /// </summary>
    private async IAsyncEnumerable<ConversationExport> ExportCoreAsync(string user, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 100;
        var pacer = new BatchPacer(_settings.MaxDelay, _settings.TotalTimeout, _timeProvider);
        await foreach (var conversation in ListCoreAsync(user, PageSize, ConversationListOrder.OldestFirst, pacer, cancellationToken).ConfigureAwait(false))
        {
            var failure = new StrongBox<PageRead<ItemPage>?>();
            var items = new List<ConversationItem>();
            await foreach (var item in ItemsInOrderAsync(conversation.Id, user, PageSize, ConversationListOrder.OldestFirst, pacer, failure, cancellationToken)
                .ConfigureAwait(false))
            {
                items.Add(item);
            }

            if (failure.Value is { } failed)
            {
                if (!failed.Gone)
                {
                    throw failed.Failure!;
                }

                // Deleted since it was listed: said so, not left out and not an error.
                yield return new ConversationExport { Conversation = conversation, DeletedDuringExport = true };
                continue;
            }

            yield return new ConversationExport { Conversation = conversation, Items = items };
        }
    }

    /// <summary>
    /// One page request (through the resilience pipeline); a failure is a value, which <see cref="ListAsync"/> throws.
    /// <paramref name="pacer"/> paces it (an export's reads), null for none.
    /// </summary>
    internal async Task<PageRead<ConversationPage>> ReadPageAsync(string? user, string? cursor, int pageSize, ConversationListOrder? order, BatchPacer? pacer,
        CancellationToken cancellationToken)
    {
        var call = new CallState { Operation = CallOperation.ListConversations, User = user, Pacer = pacer };
        var (response, failure) = await SendAsync(() => _api.ListAsync(user, cursor, pageSize, order, call, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return ResultMapper.PageFromException<ConversationPage>("Listing conversations", failure!, call);
        }

        using (response)
        {
            return ResultMapper.FromListResponse(response, call, _settings);
        }
    }

    /// <summary>
    /// One request for a page of a conversation's items (checked arguments), through the resilience pipeline;
    /// <paramref name="pacer"/> paces it with a batch (null outside one). A failure is a value, the conversation gone
    /// among them (<see cref="PageRead{TPage}.Gone"/>). <paramref name="order"/> is sent where the dialect pages
    /// in the order asked; where its pages step back in time (<see cref="ConversationDialect.ItemPagesStepBack"/>) the
    /// page comes as the service sent it.
    /// </summary>
    internal async Task<PageRead<ItemPage>> ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        BatchPacer? pacer, CancellationToken cancellationToken)
    {
        var call = NewCall(CallOperation.ListItems, conversationId, user, pacer);
        var (response, failure) = await SendAsync(() => _api.ListItemsAsync(conversationId, user, cursor, pageSize, order, call, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (response is null)
        {
            return ResultMapper.PageFromException<ItemPage>(ResultMapper.ReadingItemsOf(conversationId), failure!, call);
        }

        using (response)
        {
            return ResultMapper.FromItemPageResponse(conversationId, response, call, _settings);
        }
    }

    /// <summary>
    /// Deletes one item of a conversation (checked arguments) at <paramref name="pacer"/>'s pace: <see cref="CallOutcome.Succeeded"/>
    /// when the service answered with the conversation (no other), <see cref="CallOutcome.NotFound"/> when it says the item
    /// or the conversation does not exist. Only for a dialect that has item deletes (<see cref="ConversationDialect.DeletesItemsWithConversation"/> false).
    /// </summary>
    internal async Task<CallResult> DeleteItemCoreAsync(string conversationId, string itemId, string? user, BatchPacer? pacer,
        CancellationToken cancellationToken)
    {
        var call = NewCall(CallOperation.DeleteItem, conversationId, user, pacer);
        return await CallAsync(call, () => _api.DeleteItemAsync(conversationId, itemId, user, call, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One request for a page of the stored responses linked to a conversation (checked arguments), oldest first, at
    /// <paramref name="pacer"/>'s pace; a failure is a value. Only where the dialect lists them (<see cref="ConversationDialect.ListsStoredResponses"/>).
    /// </summary>
    internal async Task<PageRead<ResponsePage>> ReadResponsePageAsync(string conversationId, string? user, int pageSize, BatchPacer? pacer,
        CancellationToken cancellationToken)
    {
        var call = NewCall(CallOperation.ListResponses, conversationId, user, pacer);
        var (response, failure) = await SendAsync(() => _api.ListResponsesAsync(conversationId, user, pageSize, call, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (response is null)
        {
            return ResultMapper.PageFromException<ResponsePage>(ResultMapper.ListingResponsesOf(conversationId), failure!, call);
        }

        using (response)
        {
            return ResultMapper.FromResponsePageResponse(conversationId, response, call, _settings);
        }
    }

    /// <summary>
    /// Deletes one stored response (checked arguments) at <paramref name="pacer"/>'s pace: <see cref="CallOutcome.Succeeded"/>
    /// when the service confirmed it, <see cref="CallOutcome.NotFound"/> when it says the response does not exist.
    /// </summary>
    internal async Task<CallResult> DeleteResponseCoreAsync(string conversationId, string responseId, string? user, BatchPacer? pacer,
        CancellationToken cancellationToken)
    {
        var call = NewCall(CallOperation.DeleteResponse, conversationId, user, pacer, responseId);
        return await CallAsync(call, () => _api.DeleteResponseAsync(responseId, user, call, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for one conversation (checked arguments): <see cref="CallOutcome.Succeeded"/> while it is there,
    /// <see cref="CallOutcome.NotFound"/> when the service says it does not exist (OpenAI: <c>GET /conversations/{id}</c>;
    /// Dify: its newest message), else <see cref="CallOutcome.Failed"/>.
    /// </summary>
    internal async Task<CallResult> GetConversationCoreAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken)
    {
        var call = NewCall(CallOperation.GetConversation, conversationId, user, pacer);
        return await CallAsync(call, () => _api.GetConversationAsync(conversationId, user, call, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One call that answers with an outcome only (no body kept): the answer judged, or the transport failure mapped.</summary>
    private static async Task<CallResult> CallAsync(CallState call, Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(send, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return ResultMapper.FromCallException(failure!, call);
        }

        using (response)
        {
            return ResultMapper.FromCallResponse(response, call);
        }
    }

    private static CallState NewCall(CallOperation operation, string conversationId, string? user, BatchPacer? pacer, string? responseId = null) => new()
    {
        Operation = operation,
        ConversationId = conversationId,
        ResponseId = responseId,
        User = user,
        Pacer = pacer,
    };

    /// <summary>Sends a request: its answer, or the transport failure to report (a bug or the caller's cancellation is thrown).</summary>
    private static async Task<(HttpResponseMessage? Response, Exception? Failure)> SendAsync(Func<Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await send().ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ResultMapper.IsTransportFailure(ex))
        {
            return (null, ex);
        }
    }

    public IAsyncEnumerable<DeleteConversationResult> DeleteManyAsync(IEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        return DeleteManyAsync(BulkDeleter.ToAsync(conversationIds), user, options, cancellationToken);
    }

    public IAsyncEnumerable<DeleteConversationResult> DeleteManyAsync(IAsyncEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        Guard.User(user, _dialect, nameof(user));
        return BulkDeleter.RunAsync(this, conversationIds, user, NewBatch(options, checkPageSize: false), cancellationToken);
    }

    public IAsyncEnumerable<DeleteConversationResult> EraseConversationsAsync(IEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        return EraseConversationsAsync(BulkDeleter.ToAsync(conversationIds), user, options, cancellationToken);
    }

    public IAsyncEnumerable<DeleteConversationResult> EraseConversationsAsync(IAsyncEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        Guard.User(user, _dialect, nameof(user));
        return BulkDeleter.RunAsync(Erasure(options ?? new BulkDeleteOptions()), conversationIds, user, NewBatch(options, checkPageSize: false),
            cancellationToken);
    }

    public IAsyncEnumerable<DeleteConversationResult> EraseUserStreamingAsync(string user, BulkDeleteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Guard.RequiredUser(user, _dialect, nameof(user));
        var batch = NewBatch(options, checkPageSize: true);
        return EraseStreamAsync(user, batch, options ?? new BulkDeleteOptions(), cancellationToken);
    }

    private async IAsyncEnumerable<DeleteConversationResult> EraseStreamAsync(string user, BatchSettings batch, BulkDeleteOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tally = new ErasureTally();
        await foreach (var result in UserEraser.RunAsync(Erasure(options), user, batch, options.PageSize, tally, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }

        if (tally.ListingFailure is { } failure)
        {
            throw failure;
        }
    }

    public Task<EraseReport> EraseUserAsync(string user, BulkDeleteOptions? options = null, IProgress<EraseProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.RequiredUser(user, _dialect, nameof(user));
        var batch = NewBatch(options, checkPageSize: true);
        return EraseCountingAsync(user, batch, options ?? new BulkDeleteOptions(), progress, cancellationToken);
    }

    /// <summary>An erasure's delete: items first, then the conversation, then a look, as <paramref name="options"/> say.</summary>
    private CompleteErasure Erasure(BulkDeleteOptions options) => new(this, options.DeleteItems, options.Verify, options.StopToken);

    /// <summary>
    /// The streamed erasure, counted: its results become the report's counts and failures (a result that supersedes an
    /// earlier one of its conversation, found still there by the verification pass, moves it to the failures).
    /// </summary>
    private async Task<EraseReport> EraseCountingAsync(string user, BatchSettings batch, BulkDeleteOptions options, IProgress<EraseProgress>? progress,
        CancellationToken cancellationToken)
    {
        var failures = new List<DeleteConversationResult>();
        int deleted = 0, notFound = 0, retries = 0;
        var tally = new ErasureTally();
        void Report() => progress?.Report(new EraseProgress(tally.Listed, deleted, notFound, failures.Count) { Retries = retries, Skipped = tally.Skipped });
        tally.PageListed = Report;

        var erasure = Erasure(options);
        await foreach (var result in UserEraser.RunAsync(erasure, user, batch, options.PageSize, tally, cancellationToken).ConfigureAwait(false))
        {
            retries += Math.Max(0, result.Attempts - 1);
            if (result.Supersedes == DeleteConversationOutcome.Deleted)
            {
                deleted--;
            }
            else if (result.Supersedes == DeleteConversationOutcome.NotFound)
            {
                notFound--;
            }

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

            Report();
        }

        return new EraseReport
        {
            Listed = tally.Listed,
            Deleted = deleted,
            NotFound = notFound,
            Failures = failures,
            Skipped = tally.Skipped,
            Stopped = tally.Stopped,
            ListingError = tally.ListingError,
            Limits = _dialect.ErasureLimits(_settings.BaseAddress),
            ItemsDeleted = tally.ItemsDeleted,
            ResponsesDeleted = tally.ResponsesDeleted,
            ResponsesNotChecked = erasure.ResponsesNotChecked,
            StillPresent = tally.StillPresent,
            VerificationRequested = options.Verify,
            Verified = options.Verify && tally.VerificationFinished && tally.StillPresent.Count == 0 && tally.Unverified == 0,
        };
    }

    bool IBatchOperations.CursorOutlivesDeletes => _dialect.CursorOutlivesDeletes;

    Task<DeleteConversationResult> IBatchOperations.DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        DeleteCoreAsync(conversationId, user, pacer, cancellationToken);

    // Oldest first by creation, as the export lists: in Dify's own order, by last activity, a conversation the user writes
    // in during the erasure moves above the one the erasure pages on from, and the listing would never reach it.
    Task<PageRead<ConversationPage>> IBatchOperations.ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(user, cursor, pageSize, ConversationListOrder.OldestFirst, null, cancellationToken);

    bool IBatchOperations.DeletesItemsWithConversation => _dialect.DeletesItemsWithConversation;

    Task<PageRead<ItemPage>> IBatchOperations.ReadItemPageAsync(string conversationId, string? user, string? cursor, int pageSize, ConversationListOrder order,
        BatchPacer? pacer, CancellationToken cancellationToken) =>
        ReadItemPageAsync(conversationId, user, cursor, pageSize, order, pacer, cancellationToken);

    Task<CallResult> IBatchOperations.DeleteItemAsync(string conversationId, string itemId, string? user, BatchPacer pacer, CancellationToken cancellationToken) =>
        DeleteItemCoreAsync(conversationId, itemId, user, pacer, cancellationToken);

    bool IBatchOperations.ListsStoredResponses => _dialect.ListsStoredResponses(_settings.BaseAddress);

    Task<PageRead<ResponsePage>> IBatchOperations.ReadResponsePageAsync(string conversationId, string? user, int pageSize, BatchPacer pacer,
        CancellationToken cancellationToken) =>
        ReadResponsePageAsync(conversationId, user, pageSize, pacer, cancellationToken);

    Task<CallResult> IBatchOperations.DeleteResponseAsync(string conversationId, string responseId, string? user, BatchPacer pacer,
        CancellationToken cancellationToken) =>
        DeleteResponseCoreAsync(conversationId, responseId, user, pacer, cancellationToken);

    Task<CallResult> IBatchOperations.GetConversationAsync(string conversationId, string? user, BatchPacer? pacer, CancellationToken cancellationToken) =>
        GetConversationCoreAsync(conversationId, user, pacer, cancellationToken);

    /// <summary>
    /// A batch from checked options. Its pacer pauses for at most MaxDelay at a time, and gives up after TotalTimeout of
    /// nothing but refusals.
    /// </summary>
    private BatchSettings NewBatch(BulkDeleteOptions? options, bool checkPageSize)
    {
        options ??= new BulkDeleteOptions();
        Guard.InRange(options.MaxConcurrency, 1, 64, "options.MaxConcurrency");
        if (checkPageSize)
        {
            Guard.InRange(options.PageSize, 1, 100, "options.PageSize");
        }

        return new BatchSettings(new BatchThrottle(options.MaxConcurrency), new BatchPacer(_settings.MaxDelay, _settings.TotalTimeout, _timeProvider),
            options.MaxConcurrency, options.ShouldSkip, options.StopToken);
    }
}
