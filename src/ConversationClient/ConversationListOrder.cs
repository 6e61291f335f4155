namespace ConversationClient;

/// <summary>The order of a listing by creation time.</summary>
public enum ConversationListOrder
{
    /// <summary>Newest first (OpenAI <c>order=desc</c>, Dify <c>sort_by=-created_at</c>).</summary>
    NewestFirst,

    /// <summary>Oldest first (OpenAI <c>order=asc</c>, Dify <c>sort_by=created_at</c>).</summary>
    OldestFirst,
}
