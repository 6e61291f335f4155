namespace ConversationClient;

/// <summary>
/// One item of a conversation (OpenAI dialect: a message, a function call, a reasoning item, ...; Dify: a message,
/// the user's query with the app's answer), typed where the shape is common and kept whole in <see cref="Json"/>.
/// </summary>
public sealed class ConversationItem
{
    private static readonly IReadOnlyList<string> NoFiles = [];

    /// <summary>Gets the item's id (OpenAI dialect: <c>msg_...</c> and the like; Dify: the message's UUID).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the item's type: the OpenAI item type (<c>message</c>, <c>function_call</c>, ...); <c>message</c> on Dify.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the role of a message item (<c>user</c>, <c>assistant</c>, <c>system</c>, ...; OpenAI dialect); null when the item has none.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the item's status (OpenAI dialect: <c>completed</c>, <c>in_progress</c>, ...; Dify: <c>normal</c>, <c>error</c>), when given.</summary>
    public string? Status { get; init; }

    /// <summary>Gets when the item was created, when the service says (OpenAI items often do not).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets the user's query of a Dify message; null in the OpenAI dialect.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the app's answer of a Dify message; null in the OpenAI dialect.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets the feedback rating of a Dify message (<c>like</c>, <c>dislike</c>); null when there is none, and in the OpenAI dialect.</summary>
    public string? FeedbackRating { get; init; }

    /// <summary>Gets the ids of the files of a Dify message (<c>message_files[].id</c>); empty otherwise.</summary>
    public IReadOnlyList<string> FileIds { get; init; } = NoFiles;

    /// <summary>
    /// Gets the item's JSON exactly as the service sent it (its escapes, members this type does not know, nested content),
    /// so an export of it loses nothing.
    /// </summary>
    public required string Json { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Type})";
}
