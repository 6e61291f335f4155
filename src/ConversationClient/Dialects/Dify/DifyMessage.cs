using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.Dify;

/// <summary>
/// The members of a Dify message (<c>GET {base}/messages</c>) that the SDK types: <c>{"id","conversation_id","query","answer","status",
/// "created_at","feedback":{"rating"},"message_files":[{"id",...}],...}</c>. The rest stays in the message's raw JSON.
/// </summary>
internal sealed class DifyMessage
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("conversation_id")]
    public string? ConversationId { get; set; }

    [JsonPropertyName("query")]
    public string? Query { get; set; }

    [JsonPropertyName("answer")]
    public string? Answer { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("feedback")]
    public DifyFeedback? Feedback { get; set; }

    [JsonPropertyName("message_files")]
    public List<DifyMessageFile>? MessageFiles { get; set; }
}

/// <summary>A Dify message's <c>feedback</c>: <c>{"rating":"like"|"dislike"}</c>.</summary>
internal sealed class DifyFeedback
{
    [JsonPropertyName("rating")]
    public string? Rating { get; set; }
}

/// <summary>One of a Dify message's <c>message_files</c> (the id the SDK reports; the rest stays in the raw JSON).</summary>
internal sealed class DifyMessageFile
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}
