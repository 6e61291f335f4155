using System.Diagnostics.CodeAnalysis;

namespace ConversationClient;

/// <summary>
/// Manages chat conversations on one service (OpenAI, Azure AI Foundry or Dify) through one interface.
/// Service and network failures come back as typed results; exceptions are for bad arguments and cancellation.
/// </summary>
public interface IConversationClient
{
    /// <summary>Deletes a conversation, retrying transient failures.</summary>
    /// <param name="conversationId">The conversation's id, sent as one escaped path segment.</param>
    /// <param name="user">
    /// The end user the conversation belongs to. Dify: required, sent in the body as <c>{"user": ...}</c>.
    /// OpenAI dialect: optional, sent in the <see cref="ConversationClientOptions.UserIsolationHeaderName"/> header.
    /// </param>
    /// <param name="cancellationToken">Cancels the call; it then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// What happened: <see cref="DeleteConversationOutcome.Deleted"/>, <see cref="DeleteConversationOutcome.NotFound"/> (only when the
    /// service's own error says the conversation does not exist) or <see cref="DeleteConversationOutcome.Failed"/>. A 404 about the
    /// address (a base address without <c>/v1</c>) is <see cref="DeleteConversationOutcome.Failed"/> with
    /// <see cref="ConversationApiError.EndpointNotFoundCode"/>; on Dify, an id that is not a UUID answered by such a 404 is
    /// <see cref="DeleteConversationOutcome.Failed"/> with <see cref="ConversationApiError.DifyIdNotUuidCode"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationId"/> is null, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="conversationId"/> is empty, white space, <c>.</c> or <c>..</c>, or has control characters or an unpaired surrogate;
    /// or <paramref name="user"/> is empty, white space or has an unpaired surrogate, or, in the OpenAI dialect only (where it is an HTTP
    /// header), has control characters or non-ASCII characters. A Dify user travels in JSON and may hold any other text (tabs, quotes, backslashes, non-ASCII).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user = null,
        CancellationToken cancellationToken = default);

    /// <summary>Lists conversations page by page, lazily: the next page is asked for when the last item of the previous one has been consumed.</summary>
    /// <param name="user">
    /// The end user whose conversations to list. Dify: required (<c>?user=</c>). OpenAI dialect (Azure AI Foundry): optional,
    /// sent in the user isolation header, so only that user's conversations are listed.
    /// </param>
    /// <param name="options">Page size and order; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the listing; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The conversations, in the order the service pages them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationListOptions.PageSize"/> is not from 1 to 100.</exception>
    /// <exception cref="ConversationApiException">
    /// A page request failed after its retries (thrown while enumerating). OpenAI's public API has no list operation:
    /// when the service answers 404 or 405 the message says so.
    /// </exception>
    IAsyncEnumerable<ConversationSummary> ListAsync(string? user = null, ConversationListOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes many conversations, several at a time, streaming each result as it completes. Every distinct id yields
    /// exactly one result; a repeated id is deleted and reported once. Ids are read lazily, so memory stays bounded
    /// (the client keeps a 90-bit fingerprint per distinct id to spot repeats, about 12 bytes each, not the ids).
    /// </summary>
    /// <param name="conversationIds">The ids; an id that is not valid (see <see cref="DeleteAsync"/>) yields a <see cref="DeleteConversationOutcome.Failed"/> result with <see cref="ConversationApiError.InvalidIdCode"/> and sends nothing.</param>
    /// <param name="user">The end user, as for <see cref="DeleteAsync"/> (required on Dify).</param>
    /// <param name="options">Concurrency, ids to skip, a stop token; null for the defaults.</param>
    /// <param name="cancellationToken">
    /// Stops starting new deletes and cancels those in flight; the enumeration yields the results it has, and for each
    /// delete that was in flight a <see cref="DeleteConversationOutcome.Failed"/> result with
    /// <see cref="ConversationApiError.OutcomeUnknownCode"/>, then throws <see cref="OperationCanceledException"/>. To stop
    /// gently instead (the deletes in flight finish), stop passing ids or use <see cref="BulkDeleteOptions.StopToken"/>.
    /// </param>
    /// <returns>One result per distinct id, in completion order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationIds"/> is null or holds a null id (thrown when reached), or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BulkDeleteOptions.MaxConcurrency"/> is not from 1 to 64.</exception>
    IAsyncEnumerable<DeleteConversationResult> DeleteManyAsync(IEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes many conversations whose ids arrive as an asynchronous stream; otherwise as <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>.</summary>
    /// <param name="conversationIds">The ids, read lazily.</param>
    /// <param name="user">The end user, as for <see cref="DeleteAsync"/> (required on Dify).</param>
    /// <param name="options">Concurrency, ids to skip, a stop token; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the batch as described for the other overload.</param>
    /// <returns>One result per distinct id, in completion order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationIds"/> is null or holds a null id, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BulkDeleteOptions.MaxConcurrency"/> is not from 1 to 64.</exception>
    IAsyncEnumerable<DeleteConversationResult> DeleteManyAsync(IAsyncEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases conversations whose ids the caller knows, completely, streaming each result as it completes: as
    /// <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>, except that each
    /// conversation is erased as <see cref="EraseUserStreamingAsync"/> erases one: in the OpenAI dialect its items first
    /// (<see cref="BulkDeleteOptions.DeleteItems"/>; the conversation stays in place, <see cref="ConversationApiError.ItemsLeftCode"/>
    /// or the cause's <see cref="ConversationApiError.RateLimitedCode"/> or <see cref="ConversationApiError.CredentialUnavailableCode"/>,
    /// when some cannot be deleted), then the conversation, then a look that it is gone (<see cref="BulkDeleteOptions.Verify"/>;
    /// no listing of the user follows, as the ids are the caller's). For OpenAI's public API, which cannot list
    /// conversations, this is the complete erasure: the app keeps the ids of its users' conversations.
    /// </summary>
    /// <param name="conversationIds">The ids, read lazily (from a database cursor, say); an invalid id yields a <see cref="DeleteConversationOutcome.Failed"/> result with <see cref="ConversationApiError.InvalidIdCode"/>.</param>
    /// <param name="user">The end user, as for <see cref="DeleteAsync"/> (required on Dify).</param>
    /// <param name="options">Concurrency, ids to skip, a stop token, the item step and the look; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the batch as for <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>.</param>
    /// <returns>One result per distinct id, in completion order, with <see cref="DeleteConversationResult.ItemsDeleted"/> and <see cref="DeleteConversationResult.Verification"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationIds"/> is null or holds a null id, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BulkDeleteOptions.MaxConcurrency"/> is not from 1 to 64.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The pair mirrors DeleteManyAsync's (ids as IEnumerable or IAsyncEnumerable); the first parameter's type tells them apart, so no call is ambiguous.")]
    IAsyncEnumerable<DeleteConversationResult> EraseConversationsAsync(IEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases conversations whose ids arrive as an asynchronous stream (a file, standard input, a database reader);
    /// otherwise as <see cref="EraseConversationsAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>.
    /// </summary>
    /// <param name="conversationIds">The ids, read lazily; an invalid id yields a <see cref="DeleteConversationOutcome.Failed"/> result with <see cref="ConversationApiError.InvalidIdCode"/>.</param>
    /// <param name="user">The end user, as for <see cref="DeleteAsync"/> (required on Dify).</param>
    /// <param name="options">Concurrency, ids to skip, a stop token, the item step and the look; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the batch as for <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>.</param>
    /// <returns>One result per distinct id, in completion order, with <see cref="DeleteConversationResult.ItemsDeleted"/> and <see cref="DeleteConversationResult.Verification"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationIds"/> is null or holds a null id, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BulkDeleteOptions.MaxConcurrency"/> is not from 1 to 64.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The pair mirrors DeleteManyAsync's (ids as IEnumerable or IAsyncEnumerable); the first parameter's type tells them apart, so no call is ambiguous.")]
    IAsyncEnumerable<DeleteConversationResult> EraseConversationsAsync(IAsyncEnumerable<string> conversationIds, string? user = null,
        BulkDeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases a user, streaming one result per conversation: lists the user's conversations page by page and erases
    /// each one found (several at a time, paced like
    /// <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>), yielding each
    /// result as it completes. In the OpenAI dialect a conversation's items are deleted before it
    /// (<see cref="BulkDeleteOptions.DeleteItems"/>), and each erased conversation is asked for again, then the user
    /// listed once more (<see cref="BulkDeleteOptions.Verify"/>): a conversation that final listing shows after it was
    /// reported deleted yields a second result, which replaces the first (<see cref="ErasureVerification.StillPresent"/>,
    /// or <see cref="ErasureVerification.NotChecked"/> when the look failed). This is the erasure <see cref="EraseUserAsync"/> counts; use it when each conversation
    /// needs its own record (a receipt of an erasure request).
    /// </summary>
    /// <param name="user">The end user (Dify: the <c>user</c> id; OpenAI dialect: the user isolation key).</param>
    /// <param name="options">
    /// Concurrency and page size; <see cref="BulkDeleteOptions.ShouldSkip"/> to leave conversations alone (ids done in an
    /// earlier run); <see cref="BulkDeleteOptions.StopToken"/> to stop gently. Null for the defaults.
    /// </param>
    /// <param name="cancellationToken">
    /// Stops at once: no new delete starts, the deletes in flight are cancelled and each yields a
    /// <see cref="DeleteConversationOutcome.Failed"/> result with <see cref="ConversationApiError.OutcomeUnknownCode"/> (the
    /// request may have reached the service), then the enumeration throws <see cref="OperationCanceledException"/>.
    /// </param>
    /// <returns>
    /// One result per conversation deleted (or tried), in completion order; every id the erasure sends yields at least
    /// one, and a second only when verification's final listing shows it again (see above). A stop through <see cref="BulkDeleteOptions.StopToken"/> ends the enumeration normally after the deletes in
    /// flight have yielded theirs.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null (in both dialects: erasing is about one user).</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="ConversationApiException">
    /// Thrown at the end of the enumeration, after every result, when the listing broke off before its end (a listing
    /// that fails, also with <see cref="ConversationApiError.EndpointNotFoundCode"/>, or the service refusing every delete
    /// for the total timeout, <see cref="ConversationApiError.RateLimitedCode"/>): conversations after that point were not
    /// seen. Never a silently short stream. Failed deletes do not throw: they are results.
    /// </exception>
    IAsyncEnumerable<DeleteConversationResult> EraseUserStreamingAsync(string user, BulkDeleteOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases a user: lists all of the user's conversations and deletes them, pacing itself like
    /// <see cref="DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>. Service and network
    /// failures do not throw: they are in the report. Running it again after a partial failure finishes the job.
    /// </summary>
    /// <param name="user">The end user (Dify: the <c>user</c> id; OpenAI dialect: the user isolation key).</param>
    /// <param name="options">Concurrency, page size, ids to skip and a stop token, as for <see cref="EraseUserStreamingAsync"/>; null for the defaults.</param>
    /// <param name="progress">Told the counts after each page and each delete; may be null.</param>
    /// <param name="cancellationToken">Stops the erasure at once; it then throws <see cref="OperationCanceledException"/>. To stop gently and still get the report, use <see cref="BulkDeleteOptions.StopToken"/>.</param>
    /// <returns>
    /// The counts, every failed delete with its error, and the listing error if the listing broke off: the results of
    /// <see cref="EraseUserStreamingAsync"/>, counted.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null (in both dialects: erasing is about one user).</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <remarks>
    /// A listing that fails, also with a 404 about the address (<see cref="ConversationApiError.EndpointNotFoundCode"/>), ends the
    /// run with <see cref="EraseReport.ListingError"/> set and <see cref="EraseReport.IsComplete"/> false: never as "nothing to erase".
    /// </remarks>
    Task<EraseReport> EraseUserAsync(string user, BulkDeleteOptions? options = null, IProgress<EraseProgress>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists a conversation's items (OpenAI dialect: <c>GET /conversations/{id}/items</c>; Dify: its messages,
    /// <c>GET /messages</c>) page by page, lazily. Each item is typed where the shape is common and keeps its JSON exactly
    /// as the service sent it (<see cref="ConversationItem.Json"/>).
    /// </summary>
    /// <param name="conversationId">The conversation's id, as for <see cref="DeleteAsync"/>.</param>
    /// <param name="user">
    /// The end user the conversation belongs to. Dify: required (<c>?user=</c>). OpenAI dialect: optional, sent in the
    /// user isolation header.
    /// </param>
    /// <param name="options">Page size and order (default: 100 a page, oldest first); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the listing; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// The items in the order asked. Dify pages from the newest message back: oldest first (the default) reads all of the
    /// conversation's pages before yielding the first message, so it holds one conversation's messages in memory;
    /// newest first streams page by page.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationId"/> is null, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException"><paramref name="conversationId"/> or <paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationItemListOptions.PageSize"/> is not from 1 to 100.</exception>
    /// <exception cref="ConversationApiException">
    /// A page request failed after its retries (thrown while enumerating). When the service says the conversation does
    /// not exist, <see cref="ConversationApiException.Error"/> has the code <see cref="ConversationApiError.NotFoundCode"/>;
    /// a 404 about the address has <see cref="ConversationApiError.EndpointNotFoundCode"/>.
    /// </exception>
    IAsyncEnumerable<ConversationItem> ListItemsAsync(string conversationId, string? user = null, ConversationItemListOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Exports a user's data (a data access or portability request): lists the user's conversations and reads all the
    /// items of each, yielding one <see cref="ConversationExport"/> per conversation as soon as it is read. It streams:
    /// memory holds one page of the listing and one conversation's items, whatever the number of conversations.
    /// </summary>
    /// <param name="user">The end user (Dify: the <c>user</c> id; OpenAI dialect: the user isolation key).</param>
    /// <param name="cancellationToken">Cancels the export; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// One export per conversation listed, oldest first (by creation: in Dify's default order, by last activity, a
    /// conversation written in during the export would move above the pages read), its items oldest first. A conversation deleted between
    /// being listed and having its items read is yielded with <see cref="ConversationExport.DeletedDuringExport"/> true.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null (in both dialects: an export is about one user).</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is not valid (see <see cref="DeleteAsync"/>).</exception>
    /// <exception cref="ConversationApiException">
    /// A listing page or an item page failed after its retries (thrown while enumerating; an item page's message names
    /// the conversation): never a silently short export.
    /// </exception>
    IAsyncEnumerable<ConversationExport> ExportUserAsync(string user, CancellationToken cancellationToken = default);
}
