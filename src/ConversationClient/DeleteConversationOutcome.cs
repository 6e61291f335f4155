namespace ConversationClient;

/// <summary>What became of a delete request.</summary>
public enum DeleteConversationOutcome
{
    /// <summary>The service confirmed the conversation is deleted.</summary>
    Deleted,

    /// <summary>
    /// The service answered 404: the conversation does not exist, belongs to another user, or was already deleted.
    /// See <see cref="DeleteConversationResult.NotFoundAfterRetry"/> for a delete whose earlier attempt probably went through.
    /// </summary>
    NotFound,

    /// <summary>The conversation may still exist: the service refused, kept failing, or could not be reached.</summary>
    Failed,
}
