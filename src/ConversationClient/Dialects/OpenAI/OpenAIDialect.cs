using System.Net;
using System.Text.Json;
using ConversationClient.Http;
using ConversationClient.Internal;

namespace ConversationClient.Dialects.OpenAI;

/// <summary>
/// The OpenAI Conversations API (OpenAI, Azure AI Foundry): the user in the user isolation header, a 2xx that says
/// <c>"deleted": true</c>, a 404 that says "Conversation ... not found", an <c>after</c> cursor that outlives deletes.
/// </summary>
internal sealed class OpenAIDialect : ConversationDialect
{
    public static readonly OpenAIDialect Instance = new();

    private OpenAIDialect()
    {
    }

    public override string Name => "openai";

    /// <summary>Azure for an Azure endpoint (<see cref="IsAzureEndpoint"/>: Azure OpenAI, Azure AI Foundry), else OpenAI.</summary>
    public override string ProviderName(Uri baseAddress) => IsAzureEndpoint(baseAddress) ? "azure.ai.openai" : "openai";

    public override string BaseAddressExample => "https://api.openai.com/v1, or https://<resource>.openai.azure.com/openai/v1";

    public override bool CursorOutlivesDeletes => true;

    public override string? UserRequiredMessage => null;

    public override string EraseUserRequiredMessage =>
        "Erasing needs the user whose conversations to erase: in the OpenAI dialect, the value of the user isolation header that scopes them.";

    /// <summary>The user is an HTTP header value: no control characters (CR, LF), ASCII only.</summary>
    public override void CheckUser(string user, string paramName)
    {
        if (Guard.HasControlCharacter(user))
        {
            throw new ArgumentException("In the OpenAI dialect the user is sent in an HTTP header and cannot contain control characters such as CR or LF.", paramName);
        }

        if (!System.Text.Ascii.IsValid(user))
        {
            throw new ArgumentException("In the OpenAI dialect the user is sent in an HTTP header and must be ASCII.", paramName);
        }
    }

    public override string? UserIsolationKey(string? user) => user;

    public override IEnumerable<KeyValuePair<string, string>> FixedHeaders(ConversationClientOptions options)
    {
        if (options.OrganizationId is { } organization)
        {
            yield return new("OpenAI-Organization", organization);
        }

        if (options.ProjectId is { } project)
        {
            yield return new("OpenAI-Project", project);
        }
    }

    public override IConversationApi CreateApi(HttpClient httpClient) => new OpenAIConversationApi(ConversationApis.Create<IOpenAIConversationsApi>(httpClient));

    /// <summary>A JSON object confirms only with <c>"deleted": true</c>.</summary>
    public override bool ConfirmsDeletion(in DeleteAnswer answer) => answer.Deleted == true;

    public override string NotConfirmedMessage =>
        "The service answered a success status with a JSON object that does not say \"deleted\": true, so the deletion is not confirmed.";

    // OpenAI's own conversation 404 carries no code at all: the envelope and its message tell.
    public override bool SaysConversationMissing(ConversationApiError error, EnvelopeShape shape) =>
        shape == EnvelopeShape.OpenAI && error.Message!.Contains("not found", StringComparison.OrdinalIgnoreCase);

    // OpenAI's public API has no list operation: its route miss cannot be told from a wrong base address, so the
    // message names both.
    public override string? ListRouteMissMessage(HttpStatusCode status) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            ? $"The service does not list conversations (HTTP {(int)status}): OpenAI's public API has no list operation; Azure AI Foundry's has. " +
              "With a service that lists, check that the base address ends with /v1."
            : null;

    private static readonly ErasureLimit StoredResponses = new(
        "Stored responses (the Responses API's store: true, its default) made in the user's conversations: the public API has no operation that lists them, " +
        "per conversation or at all, so only an app that kept their ids can delete them (DELETE /responses/{id}). They are kept 30 days unless created with store: false.",
        "OpenAI API reference, Responses (create, retrieve, delete, cancel, input items: no list): https://platform.openai.com/docs/api-reference/responses; " +
        "retention: https://platform.openai.com/docs/guides/conversation-state");

    private static readonly ErasureLimit Files = new(
        "Files the user's items refer to by file_id (uploads through the Files API): they are objects of their own, not deleted with an item or a conversation; " +
        "an app that uploaded them deletes them with DELETE /files/{file_id}.",
        "OpenAI API reference, Files: https://platform.openai.com/docs/api-reference/files/delete");

    private static readonly ErasureLimit FoundryStoredResponses = new(
        "Stored responses the erasure cannot find: an erasure lists the stored responses linked to each conversation (GET /openai/v1/responses?conversation_id=, " +
        "scoped by x-ms-user-isolation-key) and deletes each (DELETE /openai/v1/responses/{id}) before the conversation, but responses made without a " +
        "conversation (chained by previous_response_id, or standalone) are linked to none and stay unless the app that kept their ids deletes them; " +
        "where the endpoint does not serve the list (an Azure OpenAI resource without it answers 404 or 405), none are found and all of them stay " +
        "(the results say ResponsesDeleted null, the report ResponsesNotChecked).",
        "https://ai.azure.com/api-reference/responses/list-responses/ and https://ai.azure.com/api-reference/responses/delete-response/; " +
        "Azure/azure-rest-api-specs specification/ai/data-plane/OpenAI.v1 (no list operation)");

    private static readonly IReadOnlyList<ErasureLimit> OpenAILimits = [StoredResponses, Files];
    private static readonly IReadOnlyList<ErasureLimit> AzureLimits = [FoundryStoredResponses, Files];

    public override IReadOnlyList<ErasureLimit> ErasureLimits(Uri baseAddress) =>
        IsAzureEndpoint(baseAddress) ? AzureLimits : OpenAILimits;

    /// <summary>
    /// Whether <paramref name="baseAddress"/> is an Azure endpoint: an Azure host, or Azure's <c>/openai/v1</c> path on
    /// another host (a private endpoint or a gateway in front of Foundry, an emulator); OpenAI's public API is <c>/v1</c>.
    /// </summary>
    private static bool IsAzureEndpoint(Uri baseAddress) =>
        baseAddress.Host.EndsWith(".azure.com", StringComparison.OrdinalIgnoreCase)
        || baseAddress.Host.EndsWith(".azure.us", StringComparison.OrdinalIgnoreCase)
        || baseAddress.Host.EndsWith(".azure.cn", StringComparison.OrdinalIgnoreCase)
        || baseAddress.AbsolutePath.TrimEnd('/').EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase);

    public override ConversationPage ReadPage(ReadOnlySpan<byte> body)
    {
        var page = JsonSerializer.Deserialize(body, ConversationJsonContext.Default.OpenAIConversationList)
            ?? throw new JsonException("The body is null.");
        var items = new List<ConversationSummary>(page.Data?.Count ?? 0);
        foreach (var item in page.Data ?? [])
        {
            items.Add(new ConversationSummary
            {
                Id = item.Id ?? throw new JsonException("A conversation has no id."),
                CreatedAt = FromUnixSeconds(item.CreatedAt),
                Metadata = item.Metadata ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
            });
        }

        return new ConversationPage(items, page.HasMore, page.LastId ?? (items.Count > 0 ? items[^1].Id : null));
    }

    public override bool DeletesItemsWithConversation => false;

    /// <summary>The next page is after the page's last item (its id, whatever the page's <c>last_id</c> says). An item names no conversation.</summary>
    public override ItemPage ReadItemPage(ReadOnlySpan<byte> body, string conversationId)
    {
        var items = ItemListReader.Read(body, ConversationJsonContext.Default.OpenAIItem, static (item, json) => new ConversationItem
        {
            Id = item.Id ?? throw new JsonException("An item has no id."),
            Type = item.Type ?? throw new JsonException("An item has no type."),
            Role = item.Role,
            Status = item.Status,
            CreatedAt = FromUnixSeconds(item.CreatedAt),
            Json = json,
        }, out var hasMore);
        // `after` is an item id: the page's last item, whatever the page's last_id says (a server's stale or other value would skip items).
        return new ItemPage(items, hasMore, items.Count > 0 ? items[^1].Id : null);
    }

    /// <summary>Azure endpoints (Azure AI Foundry documents the list); OpenAI's public API has none.</summary>
    public override bool ListsStoredResponses(Uri baseAddress) => IsAzureEndpoint(baseAddress);

    /// <summary>
    /// Each response's id, once its <c>conversation</c> (an object with an <c>id</c>, or the id; absent or null when
    /// the response names none) is not another conversation's: a listing that ignores <c>conversation_id</c> must not
    /// get other conversations' responses deleted.
    /// </summary>
    public override ResponsePage ReadResponsePage(ReadOnlySpan<byte> body, string conversationId)
    {
        var ids = ItemListReader.Read(body, ConversationJsonContext.Default.OpenAIStoredResponse, (response, _) =>
        {
            var id = response.Id ?? throw new JsonException("A response has no id.");
            var named = response.Conversation is { ValueKind: JsonValueKind.Object } conversation && conversation.TryGetProperty("id", out var inner)
                ? inner
                : response.Conversation;
            return named.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null || (named.ValueKind == JsonValueKind.String && named.ValueEquals(conversationId))
                ? id
                : throw new JsonException("A listed response belongs to another conversation.");
        }, out var hasMore);
        return new ResponsePage(ids, hasMore);
    }
}
