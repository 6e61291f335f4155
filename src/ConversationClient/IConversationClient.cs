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
    /// <returns>What happened: <see cref="DeleteConversationOutcome.Deleted"/>, <see cref="DeleteConversationOutcome.NotFound"/> or <see cref="DeleteConversationOutcome.Failed"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationId"/> is null, or <paramref name="user"/> is null on Dify.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="conversationId"/> is empty, white space, <c>.</c> or <c>..</c>, or has control characters;
    /// or <paramref name="user"/> is empty, white space or has control characters (or non-ASCII characters in the OpenAI dialect, where it is a header).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user = null,
        CancellationToken cancellationToken = default);
}
