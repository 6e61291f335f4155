using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.Dify;

/// <summary>A page of Dify's <c>GET /conversations</c>: <c>{"limit","has_more","data":[...]}</c>.</summary>
internal sealed class DifyConversationList
{
    /// <summary>Required (null for none): a 2xx without it (an error a gateway answers with 200, <c>{}</c>) is not a page, and never an empty one.</summary>
    [JsonPropertyName("data")]
    [JsonRequired]
    public List<DifyConversationItem>? Data { get; set; }

    [JsonPropertyName("has_more")]
    public bool HasMore { get; set; }
}

/// <summary>One conversation of a Dify listing (the fields the SDK reports).</summary>
internal sealed class DifyConversationItem
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("updated_at")]
    public long? UpdatedAt { get; set; }
}
