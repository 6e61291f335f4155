namespace ConversationClient.Internal;

/// <summary>One page of a listing: its conversations, whether the service has more, and the cursor to ask for them.</summary>
internal sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, bool HasMore, string? NextCursor);
