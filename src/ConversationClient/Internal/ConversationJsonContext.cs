using System.Text.Json.Serialization;
using ConversationClient.Dialects.Dify;
using ConversationClient.Dialects.OpenAI;

namespace ConversationClient.Internal;

/// <summary>Source-generated (reflection-free, trim- and AOT-safe) JSON for every wire model.</summary>
#if NET10_0_OR_GREATER
// A member given twice is refused (a page's has_more or data, an item's id, a response's conversation): which one the
// service meant cannot be told, and the last one read would decide, as the delete answers and ItemListReader refuse too.
// System.Text.Json 8 has no such option: on .NET 8 the last one read still decides for these typed members.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowDuplicateProperties = false)]
#else
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
#endif
[JsonSerializable(typeof(DifyDeleteRequest))]
[JsonSerializable(typeof(DifyConversationList))]
[JsonSerializable(typeof(OpenAIConversationList))]
[JsonSerializable(typeof(OpenAIItem))]
[JsonSerializable(typeof(OpenAIStoredResponse))]
[JsonSerializable(typeof(DifyMessage))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
