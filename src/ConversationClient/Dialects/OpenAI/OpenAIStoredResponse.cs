using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>
/// The one member of a stored response (<c>GET {base}/responses?conversation_id=</c>, Azure AI Foundry) an erasure
/// needs: its <c>id</c>, to delete it. The rest of the response (its output, usage, tools) is skipped unread.
/// </summary>
internal sealed class OpenAIStoredResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}
