using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>
/// The members of a conversation item (<c>GET {base}/conversations/{id}/items</c>) that every item type shares or that
/// the SDK types: <c>{"type","id","status","role","created_at",...}</c>. The rest stays in the item's raw JSON.
/// </summary>
internal sealed class OpenAIItem
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; set; }
}
