namespace ConversationClient.Testing.Services;

/// <summary>What a store found for an item or message request: the answer, or which of the two ids is unknown.</summary>
internal enum ItemLookup
{
    /// <summary>The conversation and the item (if one was named) were found.</summary>
    Found,

    /// <summary>The conversation does not exist (any more) for this user or isolation key.</summary>
    ConversationNotFound,

    /// <summary>The conversation exists but the item or message named does not.</summary>
    ItemNotFound,
}
