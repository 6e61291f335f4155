using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationClient.Testing.Services;

// The wire formats of both services, written and read in snake_case by ServiceJsonContext.
// One file on purpose: these are plain shapes with no behaviour.

internal sealed record OpenAIConversationBody(string Id, string Object, long CreatedAt, IReadOnlyDictionary<string, string> Metadata);

internal sealed record OpenAIDeletedBody(string Id, string Object, bool Deleted);

internal sealed record OpenAIListBody(string Object, IReadOnlyList<OpenAIConversationBody> Data, string? FirstId, string? LastId, bool HasMore);

/// <summary>A message item of a conversation, in the shape of the spec's <c>Message</c> (no <c>created_at</c>: OpenAI's items carry none).</summary>
internal sealed record OpenAIMessageItem(string Type, string Id, string Status, string Role, IReadOnlyList<OpenAIContentPart> Content);

/// <summary><c>input_text</c> (type and text) or <c>output_text</c>, which also carries <c>annotations</c> and <c>logprobs</c>.</summary>
internal sealed record OpenAIContentPart(
    string Type,
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Annotations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Logprobs);

internal sealed record OpenAIItemListBody(string Object, IReadOnlyList<OpenAIMessageItem> Data, string? FirstId, string? LastId, bool HasMore);

/// <summary>A stored response, in the shape of OpenAI's <c>Response</c> (the members an erasure or an export may read; output text kept short).</summary>
internal sealed record OpenAIResponseBody(string Id, string Object, long CreatedAt, string Status, string Model, OpenAIConversationRef? Conversation,
    IReadOnlyList<OpenAIMessageItem> Output);

/// <summary>The conversation a stored response belongs to (<c>{"id": "conv_..."}</c>).</summary>
internal sealed record OpenAIConversationRef(string Id);

internal sealed record OpenAIResponseListBody(string Object, IReadOnlyList<OpenAIResponseBody> Data, string? FirstId, string? LastId, bool HasMore);

internal sealed record OpenAIError(string Message, string Type, string? Param, string? Code);

internal sealed record OpenAIErrorBody(OpenAIError Error);

internal sealed record OpenAICreateRequest(Dictionary<string, string>? Metadata, JsonElement? Items);

internal sealed record DifyErrorBody(int Status, string Code, string Message);

internal sealed record DifyConversationBody(string Id, string Name, IReadOnlyDictionary<string, string> Inputs, string Status,
    string Introduction, long CreatedAt, long UpdatedAt);

internal sealed record DifyListBody(int Limit, bool HasMore, IReadOnlyList<DifyConversationBody> Data);

/// <summary>A message as Dify's <c>GET /messages</c> lists it (the spec's <c>ConversationMessageItem</c>).</summary>
internal sealed record DifyMessageBody(
    string Id,
    string ConversationId,
    string? ParentMessageId,
    IReadOnlyDictionary<string, string> Inputs,
    string Query,
    string Answer,
    string Status,
    string? Error,
    IReadOnlyList<string> MessageFiles,
    string? Feedback,
    IReadOnlyList<string> RetrieverResources,
    IReadOnlyList<string> AgentThoughts,
    long CreatedAt);

internal sealed record DifyMessageListBody(int Limit, bool HasMore, IReadOnlyList<DifyMessageBody> Data);

internal sealed record DifyDeleteRequest(string? User);

internal sealed record DifyChatRequest(string? Query, string? User, string? ConversationId, Dictionary<string, string>? Inputs, string? ResponseMode);

internal sealed record DifyChatResponse(string Event, string TaskId, string Id, string MessageId, string ConversationId, string Mode,
    string Answer, IReadOnlyDictionary<string, string> Metadata, long CreatedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIConversationBody))]
[JsonSerializable(typeof(OpenAIDeletedBody))]
[JsonSerializable(typeof(OpenAIListBody))]
[JsonSerializable(typeof(OpenAIItemListBody))]
[JsonSerializable(typeof(OpenAIResponseListBody))]
[JsonSerializable(typeof(OpenAIErrorBody))]
[JsonSerializable(typeof(OpenAICreateRequest))]
[JsonSerializable(typeof(DifyErrorBody))]
[JsonSerializable(typeof(DifyListBody))]
[JsonSerializable(typeof(DifyMessageListBody))]
[JsonSerializable(typeof(DifyDeleteRequest))]
[JsonSerializable(typeof(DifyChatRequest))]
[JsonSerializable(typeof(DifyChatResponse))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext;
