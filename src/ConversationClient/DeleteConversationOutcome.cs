namespace ConversationClient;

/// <summary>What became of a delete request.</summary>
public enum DeleteConversationOutcome
{
    /// <summary>The service confirmed the conversation is deleted.</summary>
    Deleted,

    /// <summary>
    /// The service answered 404 with its own error saying the conversation does not exist: it never did, belongs to another
    /// user, or was already deleted. A 404 about the address (OpenAI's <c>Invalid URL</c>, a gateway's <c>Resource not found</c>,
    /// an HTML page, an empty body) is <see cref="Failed"/> with <see cref="ConversationApiError.EndpointNotFoundCode"/> instead.
    /// See <see cref="DeleteConversationResult.NotFoundAfterRetry"/> for a delete whose earlier attempt probably went through.
    /// </summary>
    NotFound,

    /// <summary>The conversation may still exist: the service refused, kept failing, or could not be reached.</summary>
    Failed,
}
