using System.Text.Json.Serialization;

namespace ConversationClient.Dialects.Dify;

/// <summary>The body of Dify's <c>DELETE /conversations/{id}</c>.</summary>
internal sealed class DifyDeleteRequest(string user)
{
    [JsonPropertyName("user")]
    public string User { get; } = user;
}
