namespace ConversationClient;

/// <summary>How <see cref="IConversationClient.DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/> and <see cref="IConversationClient.EraseUserAsync"/> pace their deletes.</summary>
public sealed class BulkDeleteOptions
{
    /// <summary>Gets or sets how many deletes may run at once, from 1 to 64. After a 429 or a <c>Retry-After</c> the batch runs with fewer (down to one, after a pause) and climbs back as deletes succeed.</summary>
    /// <value>Default: 4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many conversations each listing page asks for when erasing a user, from 1 to 100.</summary>
    /// <value>Default: 100.</value>
    public int PageSize { get; set; } = 100;
}
