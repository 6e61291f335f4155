using System.Text.Json.Serialization;
using ConversationClient.Dialects.Dify;
using ConversationClient.Dialects.OpenAI;

namespace ConversationClient.Internal;

/// <summary>Source-generated (reflection-free, trim- and AOT-safe) JSON for every wire model.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DifyDeleteRequest))]
[JsonSerializable(typeof(DifyConversationList))]
[JsonSerializable(typeof(OpenAIConversationList))]
[JsonSerializable(typeof(OpenAIItem))]
[JsonSerializable(typeof(OpenAIStoredResponse))]
[JsonSerializable(typeof(DifyMessage))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
