using System.Text.Json.Serialization;
using ConversationClient.Testing;

namespace ConversationClient.Emulator.Internal;

// The admin endpoints' shapes, written and read in snake_case by EmulatorJsonContext (the services' own shapes are
// in ConversationClient.Testing's Services folder). One file on purpose: these are plain shapes with no behaviour.

internal sealed record AdminSeedRequest(string? Dialect, int? Count, string? User, string? Name, int? Items, int? Responses = null);

internal sealed record AdminSeedResponse(string Dialect, string? User, IReadOnlyList<string> Ids);

internal sealed record AdminOrphanedItemsBody(string? User, bool AllUsers, int OrphanedItems, int OrphanedResponses);

internal sealed record AdminFaultsBody(int? FailFirst, double? FailureRate, double? TooManyRequestsRate, int? StatusCode, int? RetryAfterMs, int? LatencyMs, string? Method, int? Seed);

internal sealed record AdminRateLimitBody(double? DeletesPerSecond, int? Burst, string? WaitHeader, double? ReadsPerSecond = null, int? ReadBurst = null);

internal sealed record AdminInfoBody(
    [property: JsonPropertyName("openai_base_path")] string OpenAIBasePath,
    string AzureBasePath,
    string DifyBasePath,
    [property: JsonPropertyName("openai_api_key")] string OpenAIApiKey,
    string DifyApiKey,
    string UserIsolationHeader, AdminFaultsBody Faults, AdminRateLimitBody RateLimit);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AdminSeedRequest))]
[JsonSerializable(typeof(AdminSeedResponse))]
[JsonSerializable(typeof(AdminOrphanedItemsBody))]
[JsonSerializable(typeof(AdminFaultsBody))]
[JsonSerializable(typeof(AdminRateLimitBody))]
[JsonSerializable(typeof(AdminInfoBody))]
[JsonSerializable(typeof(ServiceCounters))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
