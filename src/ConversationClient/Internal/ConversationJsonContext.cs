using System.Text.Json.Serialization;
using ConversationClient.Dialects.Dify;
using ConversationClient.Dialects.OpenAI;

namespace ConversationClient.Internal;

/// <summary>Source-generated (reflection-free, trim- and AOT-safe) JSON for every wire model.</summary>
// A member given twice is refused (a page's has_more or data, an item's id, a response's conversation): which one the
// service meant cannot be told, and the last one read would decide, as the delete answers and ItemListReader refuse too.
// (System.Text.Json 10's option; the .NET 8 target references that package for it.)
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(DifyDeleteRequest))]
[JsonSerializable(typeof(DifyConversationList))]
[JsonSerializable(typeof(OpenAIConversationList))]
[JsonSerializable(typeof(OpenAIItem))]
[JsonSerializable(typeof(OpenAIStoredResponse))]
[JsonSerializable(typeof(DifyMessage))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
