namespace ConversationClient;

/// <summary>How <see cref="IConversationClient.ListAsync"/> pages through conversations.</summary>
public sealed class ConversationListOptions
{
    /// <summary>Gets or sets how many conversations each page request asks for, from 1 to 100.</summary>
    /// <value>Default: 100.</value>
    public int PageSize { get; set; } = 100;

    /// <summary>Gets or sets the order; null leaves it to the service (OpenAI: newest first; Dify: last updated first).</summary>
    /// <value>Default: null.</value>
    public ConversationListOrder? Order { get; set; }
}
