namespace ConversationClient;

/// <summary>One conversation of a user's export (<see cref="IConversationClient.ExportUserAsync"/>): the conversation as listed and all its items, oldest first.</summary>
public sealed class ConversationExport
{
    private static readonly IReadOnlyList<ConversationItem> NoItems = [];

    /// <summary>Gets the conversation as the listing returned it.</summary>
    public required ConversationSummary Conversation { get; init; }

    /// <summary>Gets the conversation's items (Dify: its messages), oldest first, each with its raw JSON; empty when <see cref="DeletedDuringExport"/>.</summary>
    public IReadOnlyList<ConversationItem> Items { get; init; } = NoItems;

    /// <summary>
    /// Gets whether the conversation was deleted between being listed and having its items read (the service answered
    /// that it does not exist): it is reported, with no items, rather than left out or failing the export.
    /// </summary>
    public bool DeletedDuringExport { get; init; }

    /// <inheritdoc />
    public override string ToString() => DeletedDuringExport ? $"{Conversation.Id} (deleted during export)" : $"{Conversation.Id} ({Items.Count} items)";
}
