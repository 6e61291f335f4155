namespace ConversationClient;

/// <summary>The HTTP API dialect a client speaks.</summary>
public enum ConversationApiDialect
{
    /// <summary>
    /// The OpenAI Conversations API, as served by OpenAI (<c>https://api.openai.com/v1</c>) and by
    /// Azure AI Foundry / Azure OpenAI v1 (<c>https://&lt;resource&gt;.openai.azure.com/openai/v1</c>).
    /// </summary>
    OpenAI,

    /// <summary>The Dify chat-app service API (<c>https://api.dify.ai/v1</c> or a self-hosted server).</summary>
    Dify,
}
