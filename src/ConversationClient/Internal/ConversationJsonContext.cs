using System.Text.Json.Serialization;
using ConversationClient.Dify;

namespace ConversationClient.Internal;

/// <summary>Source-generated (reflection-free, trim- and AOT-safe) JSON for every wire model.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeleteResponseBody))]
[JsonSerializable(typeof(DifyDeleteRequest))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
