namespace ConversationClient;

/// <summary>What an erasure found when it asked for a conversation after deleting it (<see cref="BulkDeleteOptions.Verify"/>).</summary>
public enum ErasureVerification
{
    /// <summary>Not checked: verification is off, the delete failed, the call was not an erasure, or the check itself failed.</summary>
    NotChecked,

    /// <summary>The service says the conversation does not exist (OpenAI dialect: <c>GET /conversations/{id}</c> answers 404; Dify: its messages answer "Conversation Not Exists.").</summary>
    Gone,

    /// <summary>The service still has the conversation after answering its delete as done: it is not erased.</summary>
    StillPresent,
}
