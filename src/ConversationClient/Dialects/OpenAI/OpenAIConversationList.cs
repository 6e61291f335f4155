using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>A page of <c>GET {base}/conversations</c> (Azure AI Foundry): <c>{"object":"list","data":[...],"first_id","last_id","has_more"}</c>.</summary>
internal sealed class OpenAIConversationList
{
    /// <summary>Required (null for none): a 2xx without it (an error a gateway answers with 200, <c>{}</c>) is not a page, and never an empty one.</summary>
    [JsonPropertyName("data")]
    [JsonRequired]
    public List<OpenAIConversationItem>? Data { get; set; }

    [JsonPropertyName("has_more")]
    public bool HasMore { get; set; }

    [JsonPropertyName("last_id")]
    public string? LastId { get; set; }
}

/// <summary>A conversation resource: <c>{"id","object":"conversation","created_at","metadata"}</c>.</summary>
internal sealed class OpenAIConversationItem
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }
}
