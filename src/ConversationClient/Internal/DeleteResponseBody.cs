using System.Text.Json.Serialization;

namespace ConversationClient.Internal;

/// <summary>
/// What a 2xx delete body can say, in either dialect: OpenAI's <c>{"id","object":"conversation.deleted","deleted":true}</c>,
/// old Dify servers' <c>{"result":"success"}</c>, or Dify 0.8–0.10's object of null conversation fields (neither member).
/// </summary>
internal sealed class DeleteResponseBody
{
    [JsonPropertyName("deleted")]
    public bool? Deleted { get; set; }

    [JsonPropertyName("result")]
    public string? Result { get; set; }
}
