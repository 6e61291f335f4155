namespace ConversationClient.Internal;

/// <summary>
/// What batching (<see cref="BulkDeleter"/>, <see cref="UserEraser"/>) needs from a client: one delete at a batch's
/// pace, one listing page as a value, and how the service's listing cursor behaves. The client supplies it; batching
/// knows nothing else of the client, the transport or the dialect.
/// </summary>
internal interface IBatchOperations
{
    /// <summary>
    /// Whether a listing cursor stays valid when the conversation it names is deleted (OpenAI's <c>after</c>). When it
    /// does not (Dify's <c>last_id</c>), an erasure pages on from a conversation it knows still stands.
    /// </summary>
    bool CursorOutlivesDeletes { get; }

    /// <summary>One delete of a checked id; <paramref name="pacer"/> paces its attempts with the rest of the batch.</summary>
    Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user, BatchPacer pacer, CancellationToken cancellationToken);

    /// <summary>One listing page after <paramref name="cursor"/> (null: the first); a failed request is a value, not an exception.</summary>
    Task<PageRead> ReadPageAsync(string? user, string? cursor, int pageSize, CancellationToken cancellationToken);
}
