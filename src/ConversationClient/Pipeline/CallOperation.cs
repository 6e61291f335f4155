namespace ConversationClient.Pipeline;

/// <summary>Which operation a call is: the <see cref="Verdict"/> judges a 2xx by it, and the body limit follows it (<see cref="Http.ResponseBuffering"/>).</summary>
internal enum CallOperation
{
    /// <summary><c>DELETE</c> of a conversation: a 2xx body must confirm the deletion (<see cref="Dialects.DeleteAnswer"/>).</summary>
    DeleteConversation,

    /// <summary>A page of the user's conversations.</summary>
    ListConversations,

    /// <summary>One conversation (OpenAI: <c>GET /conversations/{id}</c>; Dify: its newest message), to see whether it is still there.</summary>
    GetConversation,

    /// <summary>A page of a conversation's items (Dify: its messages).</summary>
    ListItems,

    /// <summary><c>DELETE</c> of one item, answered by the conversation object: a body that names another conversation confirms nothing.</summary>
    DeleteItem,

    /// <summary>A page of a conversation's stored responses (Azure AI Foundry's <c>GET /responses?conversation_id=</c>).</summary>
    ListResponses,

    /// <summary><c>DELETE</c> of one stored response: a body that names another response, or says it is not deleted, confirms nothing.</summary>
    DeleteResponse,
}
