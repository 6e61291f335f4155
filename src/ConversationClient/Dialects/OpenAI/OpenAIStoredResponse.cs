using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>
/// The members of a stored response (<c>GET {base}/responses?conversation_id=</c>, Azure AI Foundry) an erasure
/// needs: its <c>id</c>, to delete it, and its <c>conversation</c>, to see that it is the erased conversation's. The
/// rest of the response (its output, usage, tools) is skipped unread.
/// </summary>
internal sealed class OpenAIStoredResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>The conversation the response belongs to: <c>{"id":...}</c> (or its id); absent or null for none.</summary>
    [JsonPropertyName("conversation")]
    public JsonElement Conversation { get; set; }
}
