namespace ConversationClient;

/// <summary>How <see cref="IConversationClient.ListItemsAsync"/> pages through a conversation's items.</summary>
public sealed class ConversationItemListOptions
{
    /// <summary>Gets or sets how many items each page request asks for, from 1 to 100.</summary>
    /// <value>Default: 100.</value>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Gets or sets the order of the items by creation time. OpenAI dialect: sent as <c>order=asc</c> or <c>desc</c>.
    /// Dify pages from the newest message back whatever is asked: <see cref="ConversationListOrder.NewestFirst"/>
    /// streams page by page; <see cref="ConversationListOrder.OldestFirst"/> reads all of the conversation's pages first
    /// and then yields them oldest first, so it holds one conversation's messages in memory.
    /// </summary>
    /// <value>Default: <see cref="ConversationListOrder.OldestFirst"/>.</value>
    public ConversationListOrder Order { get; set; } = ConversationListOrder.OldestFirst;
}
