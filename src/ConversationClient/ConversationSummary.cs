namespace ConversationClient;

/// <summary>One conversation as a listing returns it.</summary>
public sealed class ConversationSummary
{
    /// <summary>Gets the conversation's id, as <see cref="IConversationClient.DeleteAsync"/> takes it.</summary>
    public required string Id { get; init; }

    /// <summary>Gets when the conversation was created, when the service says.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when the conversation last changed (Dify), when the service says.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Gets the conversation's name (Dify); null in the OpenAI dialect.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the conversation's metadata (OpenAI dialect: up to 16 key-value pairs); empty for Dify.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    /// <inheritdoc />
    public override string ToString() => Name is null ? Id : $"{Id} ({Name})";
}
