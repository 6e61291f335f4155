namespace ConversationClient.Testing;

/// <summary>The service a <see cref="ConversationServiceStub"/> behaves like.</summary>
public enum ConversationServiceKind
{
    /// <summary>OpenAI's Conversations API on <c>/v1</c>, with a bearer key.</summary>
    OpenAI,

    /// <summary>Azure AI Foundry's Conversations API on <c>/openai/v1</c>, with an <c>api-key</c> header and per-user isolation.</summary>
    AzureAIFoundry,

    /// <summary>Dify's service API on <c>/v1</c>, with a bearer app key and the end user in each request.</summary>
    Dify,
}
