using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Testing.Services;

/// <summary>
/// The behaviour of the services, the one implementation both hosts use (the WireMock.Net stubs of this package and
/// the ASP.NET Core emulator). The emulator serves all three services: <c>/openai/v1/*</c> is the OpenAI dialect (Azure AI
/// Foundry's path); <c>/v1/*</c> is the dialect of the key presented (both services live under <c>/v1</c>, and each has
/// its own key). A stub serves its one service (<see cref="ServiceSettings.Service"/>), under that service's prefix only.
/// </summary>
internal sealed class ServiceRules(ServiceState state)
{
    private const string AzurePrefix = "/openai/v1";
    private const string OpenAIPrefix = "/v1";
    private const string Conversations = "/conversations";
    private const string StoredResponses = "/responses";

    public ServiceState State => state;

    /// <summary>Answers one API request; waits for the injected latency first.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled during the latency.</exception>
    public async Task<ServiceAnswer> AnswerAsync(ServiceRequest request, CancellationToken cancellationToken)
    {
        var answer = await AnswerWithoutIdAsync(request, cancellationToken).ConfigureAwait(false);
        return answer.WithHeader("x-request-id", "req_" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>
    /// Gets the dialect a request is answered in: that of the one service served (<see cref="ServiceSettings.Service"/>);
    /// otherwise Dify for a request outside <c>/openai/v1</c> with a Dify key.
    /// </summary>
    private bool IsDify(ServiceRequest request)
    {
        if (state.Options.Service is { } service)
        {
            return service == ConversationServiceKind.Dify;
        }

        var azure = StartsWithSegment(request.Path, AzurePrefix);
        return !azure && IsDifyKey(ReadKey(request, allowApiKeyHeader: azure));
    }

    /// <summary>Whether a key presented on <c>/v1</c> is Dify's: its own key, or any other app key (<c>app-...</c>).</summary>
    private bool IsDifyKey(string? key) =>
        key == state.Options.DifyApiKey || (key != state.Options.OpenAIApiKey && key is not null && key.StartsWith("app-", StringComparison.Ordinal));

    private async Task<ServiceAnswer> AnswerWithoutIdAsync(ServiceRequest context, CancellationToken cancellationToken)
    {
        var path = context.Path;

        string rest;
        bool azure;
        if (StartsWithSegment(path, AzurePrefix) && state.Options.Service is null or ConversationServiceKind.AzureAIFoundry)
        {
            azure = true;
            rest = path[AzurePrefix.Length..];
        }
        else if (StartsWithSegment(path, OpenAIPrefix) && state.Options.Service is not ConversationServiceKind.AzureAIFoundry)
        {
            azure = false;
            rest = path[OpenAIPrefix.Length..];
        }
        else
        {
            // A path the service does not serve (a base address without /v1, or another service's prefix): each answers
            // in its own way, before any key check.
            return IsDify(context)
                ? Responses.WerkzeugNotFound()
                : Responses.OpenAIError(404, $"Invalid URL ({context.Method} {path})", "invalid_request_error", null);
        }

        var options = state.Options;
        var key = ReadKey(context, allowApiKeyHeader: azure);
        var dify = IsDify(context);
        state.Counters.Request(dify);

        var expected = dify ? options.DifyApiKey : options.OpenAIApiKey;
        if (!string.Equals(key, expected, StringComparison.Ordinal))
        {
            state.Counters.Unauthorized();
            return Unauthorized(dify, key);
        }

        var latency = state.Faults.Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        // The rate limits are the service's own gate, before the injected faults: a request let through takes a token
        // even when a fault then answers it.
        if (HttpMethods.IsDelete(context.Method))
        {
            state.Counters.DeleteRequest();
            if (state.RateLimit.TryAcquireDelete() is { } refusal)
            {
                state.Counters.DeleteRateLimited();
                return Responses.RateLimited(dify, refusal, "conversation deletes", options.TimeProvider.GetUtcNow());
            }
        }
        else if (HttpMethods.IsGet(context.Method))
        {
            state.Counters.ReadRequest();
            if (state.RateLimit.TryAcquireRead() is { } refusal)
            {
                state.Counters.ReadRateLimited();
                return Responses.RateLimited(dify, refusal, "conversation reads", options.TimeProvider.GetUtcNow());
            }
        }

        if (state.Faults.Decide(context.Method) is { } fault)
        {
            state.Counters.Fault();
            return Responses.Fault(dify, fault.Status, fault.RetryAfter);
        }

        return dify ? AnswerDify(context, rest) : AnswerOpenAI(context, rest, azure);
    }

    private ServiceAnswer AnswerOpenAI(ServiceRequest context, string rest, bool azure)
    {
        var request = context;
        var scope = ReadScope(request);
        if (rest is Conversations or Conversations + "/")
        {
            if (HttpMethods.IsPost(request.Method))
            {
                return CreateOpenAI(context, scope);
            }

            if (HttpMethods.IsGet(request.Method) && (azure || state.Options.OpenAIPublicListing))
            {
                return ListOpenAI(context, scope);
            }
        }
        else if (TryConversationId(rest, out var id))
        {
            if (HttpMethods.IsGet(request.Method))
            {
                state.Counters.ConversationGet();
                var conversation = state.OpenAI.Get(id, scope);
                return conversation is null
                    ? OpenAINotFound(id)
                    : ServiceAnswer.Json(200, conversation, ServiceJsonContext.Default.OpenAIConversationBody);
            }

            if (HttpMethods.IsDelete(request.Method))
            {
                if (state.OpenAI.Delete(id, scope))
                {
                    // Its items stay stored, as OpenAI's do; the API can no longer reach them.
                    state.Counters.Deleted();
                    return ServiceAnswer.Json(200, new OpenAIDeletedBody(id, "conversation.deleted", true), ServiceJsonContext.Default.OpenAIDeletedBody);
                }

                state.Counters.DeleteNotFound();
                return OpenAINotFound(id);
            }
        }
        else if (rest is StoredResponses or StoredResponses + "/")
        {
            // Azure AI Foundry lists stored responses; OpenAI's public API has no list, so /v1 answers its 404.
            if (azure && HttpMethods.IsGet(request.Method))
            {
                return ListOpenAIResponses(context, scope);
            }
        }
        else if (TryResponseId(rest, out var responseId))
        {
            if (HttpMethods.IsDelete(request.Method))
            {
                if (state.OpenAI.DeleteResponse(responseId, scope))
                {
                    state.Counters.ResponseDeleted();
                    return ServiceAnswer.Json(200, new OpenAIDeletedBody(responseId, "response", true), ServiceJsonContext.Default.OpenAIDeletedBody);
                }

                state.Counters.DeleteNotFound();
                return Responses.OpenAIError(404, $"Response with id '{responseId}' not found.", "invalid_request_error", null);
            }
        }
        else if (TryItemsPath(rest, out var conversationId, out var itemId))
        {
            if (itemId is null && HttpMethods.IsGet(request.Method))
            {
                return ListOpenAIItems(context, conversationId, scope);
            }

            if (itemId is not null && HttpMethods.IsDelete(request.Method))
            {
                switch (state.OpenAI.DeleteItem(conversationId, itemId, scope, out var conversation))
                {
                    case ItemLookup.Found:
                        state.Counters.ItemDeleted();
                        return ServiceAnswer.Json(200, conversation!, ServiceJsonContext.Default.OpenAIConversationBody);
                    case ItemLookup.ItemNotFound:
                        state.Counters.DeleteNotFound();
                        return OpenAIItemNotFound(itemId);
                    default:
                        state.Counters.DeleteNotFound();
                        return OpenAINotFound(conversationId);
                }
            }
        }

        return Responses.OpenAIError(404, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null);
    }

    private ServiceAnswer CreateOpenAI(ServiceRequest context, string? scope)
    {
        OpenAICreateRequest? body = null;
        if (context.Body.Length > 0)
        {
            try
            {
                body = JsonSerializer.Deserialize(context.Body, ServiceJsonContext.Default.OpenAICreateRequest);
            }
            catch (JsonException ex)
            {
                return Responses.OpenAIError(400, $"We could not parse the JSON body of your request. ({ex.Message})", "invalid_request_error", null);
            }
        }

        if (body?.Metadata is { Count: > 16 })
        {
            return Responses.OpenAIError(400, "Invalid 'metadata': too many properties. Expected an object with at most 16 properties.",
                "invalid_request_error", "object_above_max_properties", "metadata");
        }

        var items = new List<(string Role, string Text)>();
        if (body?.Items is { ValueKind: not JsonValueKind.Null } itemsElement)
        {
            if (itemsElement.ValueKind != JsonValueKind.Array || itemsElement.EnumerateArray().Any(item => ReadMessage(item) is null))
            {
                return Responses.OpenAIError(400, "Invalid 'items': expected an array of messages with a role and text content.",
                    "invalid_request_error", "invalid_value", "items");
            }

            if (itemsElement.GetArrayLength() > 20)
            {
                return Responses.OpenAIError(400,
                    $"Invalid 'items': array too long. Expected an array with maximum length 20, but got an array with length {itemsElement.GetArrayLength().ToString(CultureInfo.InvariantCulture)} instead.",
                    "invalid_request_error", "array_above_max_length", "items");
            }

            items.AddRange(itemsElement.EnumerateArray().Select(item => ReadMessage(item)!.Value));
        }

        var conversation = state.OpenAI.Create(scope, body?.Metadata, state.Now);
        state.OpenAI.AddItems(conversation.Id, scope, items);
        state.Counters.Created();
        return ServiceAnswer.Json(200, conversation, ServiceJsonContext.Default.OpenAIConversationBody);
    }

    /// <summary>
    /// A message item of a create request (<c>{"type":"message","role":"user","content":"Hi"}</c>, the content a string
    /// or text parts): its role and text; null for another item type, which this model does not store.
    /// </summary>
    private static (string Role, string Text)? ReadMessage(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object ||
            (item.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "message") ||
            !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String ||
            !item.TryGetProperty("content", out var content))
        {
            return null;
        }

        string? text = content.ValueKind switch
        {
            JsonValueKind.String => content.GetString(),
            JsonValueKind.Array when content.EnumerateArray().All(part =>
                part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) =>
                string.Concat(content.EnumerateArray().Select(part => part.GetProperty("text").GetString())),
            _ => null,
        };
        return text is null ? null : (role.GetString()!, text);
    }

    private ServiceAnswer ListOpenAI(ServiceRequest context, string? scope)
    {
        if (!TryReadOpenAIPaging(context, out var limit, out var ascending, out var after, out var invalid))
        {
            return invalid;
        }

        var page = state.OpenAI.List(scope, limit, ascending, after);
        if (page is null)
        {
            return Responses.OpenAIError(404, $"Conversation with id '{after}' not found.", "invalid_request_error", "not_found", "after");
        }

        state.Counters.ListPage();
        return ServiceAnswer.Json(200, page, ServiceJsonContext.Default.OpenAIListBody);
    }

    private ServiceAnswer ListOpenAIItems(ServiceRequest context, string conversationId, string? scope)
    {
        if (!TryReadOpenAIPaging(context, out var limit, out var ascending, out var after, out var invalid))
        {
            return invalid;
        }

        switch (state.OpenAI.ListItems(conversationId, scope, limit, ascending, after, out var page))
        {
            case ItemLookup.Found:
                state.Counters.ItemListPage();
                return ServiceAnswer.Json(200, page!, ServiceJsonContext.Default.OpenAIItemListBody);
            case ItemLookup.ItemNotFound:
                return Responses.OpenAIError(404, $"Item with id '{after}' not found.", "invalid_request_error", "not_found", "after");
            default:
                return OpenAINotFound(conversationId);
        }
    }

    /// <summary>
    /// <c>GET /responses?conversation_id=&amp;limit=&amp;order=&amp;after=</c> (Azure AI Foundry): the stored responses of the
    /// isolation key, of one conversation when given (a conversation with none, or unknown, lists none), OpenAI list paging.
    /// </summary>
    private ServiceAnswer ListOpenAIResponses(ServiceRequest context, string? scope)
    {
        if (!TryReadOpenAIPaging(context, out var limit, out var ascending, out var after, out var invalid))
        {
            return invalid;
        }

        var conversationId = context.Query.TryGetValue("conversation_id", out var text) && !string.IsNullOrEmpty(text) ? text : null;
        if (state.OpenAI.ListResponses(scope, conversationId, limit, ascending, after, out var page) == ItemLookup.ItemNotFound)
        {
            return Responses.OpenAIError(404, $"Response with id '{after}' not found.", "invalid_request_error", "not_found", "after");
        }

        state.Counters.ResponseListPage();
        return ServiceAnswer.Json(200, page!, ServiceJsonContext.Default.OpenAIResponseListBody);
    }

    /// <summary>Reads a listing's <c>limit</c>: 1..100, 20 when absent; false for any other value (each dialect answers it in its own envelope).</summary>
    private static bool TryReadLimit(IReadOnlyDictionary<string, string> query, out int limit)
    {
        limit = 20;
        return !query.TryGetValue("limit", out var text)
            || (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= 100);
    }

    /// <summary>Reads <c>limit</c> (1..100, default 20), <c>order</c> (asc|desc, default desc) and <c>after</c>, as both OpenAI lists take them.</summary>
    private static bool TryReadOpenAIPaging(ServiceRequest context, out int limit, out bool ascending, out string? after,
        [NotNullWhen(false)] out ServiceAnswer? invalid)
    {
        var query = context.Query;
        limit = 20;
        ascending = false;
        after = null;
        invalid = null;
        if (!TryReadLimit(query, out limit))
        {
            invalid = Responses.OpenAIError(400, "Invalid 'limit': expected an integer between 1 and 100.", "invalid_request_error", "invalid_value", "limit");
            return false;
        }

        var order = query.TryGetValue("order", out var orderText) ? orderText : "desc";
        if (order is not ("asc" or "desc"))
        {
            invalid = Responses.OpenAIError(400, "Invalid 'order': expected 'asc' or 'desc'.", "invalid_request_error", "invalid_value", "order");
            return false;
        }

        ascending = order == "asc";
        after = query.TryGetValue("after", out var afterText) && !string.IsNullOrEmpty(afterText) ? afterText : null;
        return true;
    }

    private ServiceAnswer AnswerDify(ServiceRequest request, string rest)
    {
        if (rest is "/messages" or "/messages/" && HttpMethods.IsGet(request.Method))
        {
            return ListDifyMessages(request);
        }

        if (rest is Conversations or Conversations + "/" && HttpMethods.IsGet(request.Method))
        {
            return ListDify(request);
        }

        if (rest == "/chat-messages" && HttpMethods.IsPost(request.Method))
        {
            return ChatDify(request);
        }

        // Dify's route takes only UUIDs (Werkzeug's uuid converter): another id is a path it does not serve.
        if (TryConversationId(rest, out var id) && IsUuid(id) && HttpMethods.IsDelete(request.Method))
        {
            DifyDeleteRequest? body;
            try
            {
                body = JsonSerializer.Deserialize(request.Body, ServiceJsonContext.Default.DifyDeleteRequest);
            }
            catch (JsonException)
            {
                return Responses.DifyError(400, "bad_request", "The browser (or proxy) sent a request that this server could not understand.");
            }

            if (state.Dify.Delete(id, UserOrDefault(body?.User)))
            {
                state.Counters.Deleted();
                return ServiceAnswer.Empty(204);
            }

            state.Counters.DeleteNotFound();
            return Responses.DifyError(404, "not_found", "Conversation Not Exists.");
        }

        return Responses.WerkzeugNotFound();
    }

    /// <summary>The hyphenated 8-4-4-4-12 hex form, the only one Werkzeug's <c>uuid</c> converter matches.</summary>
    private static bool IsUuid(string id) =>
        id.Length == 36 && id.Select((c, i) => i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiHexDigit(c)).All(ok => ok);

    private ServiceAnswer ListDify(ServiceRequest request)
    {
        var query = request.Query;
        if (!TryReadLimit(query, out var limit))
        {
            return Responses.DifyError(400, "invalid_param", "limit: Invalid integer value, must be between 1 and 100.");
        }

        var sortBy = query.TryGetValue("sort_by", out var sortText) ? sortText : "-updated_at";
        if (!DifyStore.SortFields.Contains(sortBy))
        {
            return Responses.DifyError(400, "invalid_param", "sort_by: Value must be one of created_at, -created_at, updated_at, -updated_at.");
        }

        var user = UserOrDefault(query.GetValueOrDefault("user"));
        var lastId = query.GetValueOrDefault("last_id");
        var page = state.Dify.List(user, lastId, limit, sortBy);
        if (page is null)
        {
            return Responses.DifyError(404, "not_found", "Last Conversation Not Exists.");
        }

        state.Counters.ListPage();
        return ServiceAnswer.Json(200, page, ServiceJsonContext.Default.DifyListBody);
    }

    /// <summary>
    /// <c>GET /messages</c>: the conversation must be the user's (else 404 "Conversation Not Exists."); pages step back
    /// from the newest by <c>first_id</c> (unknown: 404 "First Message Not Exists."), each page oldest first.
    /// </summary>
    private ServiceAnswer ListDifyMessages(ServiceRequest request)
    {
        var query = request.Query;
        if (!TryReadLimit(query, out var limit))
        {
            return Responses.DifyError(400, "invalid_param", "limit: Invalid integer value, must be between 1 and 100.");
        }

        var conversationId = query.GetValueOrDefault("conversation_id");
        if (string.IsNullOrEmpty(conversationId))
        {
            return Responses.DifyError(400, "invalid_param", "conversation_id: Missing required parameter in the query string");
        }

        // Dify reads conversation_id as a UUID (uuid_value): another id is a bad parameter, not an unknown conversation.
        if (!IsUuid(conversationId))
        {
            return Responses.DifyError(400, "invalid_param", "conversation_id: not a valid uuid.");
        }

        var user = UserOrDefault(query.GetValueOrDefault("user"));
        switch (state.Dify.ListMessages(conversationId, user, query.GetValueOrDefault("first_id"), limit, out var page))
        {
            case ItemLookup.Found:
                state.Counters.ItemListPage();
                return ServiceAnswer.Json(200, page!, ServiceJsonContext.Default.DifyMessageListBody);
            case ItemLookup.ItemNotFound:
                return Responses.DifyError(404, "not_found", "First Message Not Exists.");
            default:
                return Responses.DifyError(404, "not_found", "Conversation Not Exists.");
        }
    }

    private ServiceAnswer ChatDify(ServiceRequest request)
    {
        DifyChatRequest? body;
        try
        {
            body = JsonSerializer.Deserialize(request.Body, ServiceJsonContext.Default.DifyChatRequest);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null || string.IsNullOrEmpty(body.Query))
        {
            return Responses.DifyError(400, "invalid_param", "query is required");
        }

        var user = UserOrDefault(body.User);
        var now = state.Now;
        string conversationId;
        if (string.IsNullOrEmpty(body.ConversationId))
        {
            var name = body.Query.Length > 40 ? body.Query[..40] : body.Query;
            conversationId = state.Dify.Create(user, name, body.Inputs, now).Id;
            state.Counters.Created();
        }
        else if (state.Dify.Touch(body.ConversationId, user, now))
        {
            conversationId = body.ConversationId;
        }
        else
        {
            return Responses.DifyError(404, "not_found", "Conversation Not Exists.");
        }

        const string Reply = "This is a fake of the service: no model runs here.";
        var messageId = state.Dify.AddMessages(conversationId, user, [(body.Query, Reply)], now)![0];
        var answer = new DifyChatResponse("message", Guid.NewGuid().ToString("D"), messageId, messageId, conversationId, "advanced-chat",
            Reply, new Dictionary<string, string>(), now);
        return ServiceAnswer.Json(200, answer, ServiceJsonContext.Default.DifyChatResponse);
    }

    private static ServiceAnswer Unauthorized(bool dify, string? key)
    {
        if (dify)
        {
            return key is null
                ? Responses.DifyError(401, "unauthorized", "Authorization header must be provided and start with 'Bearer'")
                : Responses.DifyError(401, "unauthorized", "Access token is invalid");
        }

        if (key is null)
        {
            return Responses.OpenAIError(401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error", null);
        }

        // Like the real service, show only the ends of a wrong key.
        var shown = key.Length > 8 ? $"{key[..3]}***{key[^4..]}" : "***";
        return Responses.OpenAIError(401, $"Incorrect API key provided: {shown}.", "invalid_request_error", "invalid_api_key");
    }

    private static string? ReadKey(ServiceRequest request, bool allowApiKeyHeader)
    {
        var authorization = request.Header("Authorization") ?? string.Empty;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        if (allowApiKeyHeader && request.Header("api-key") is { } apiKey)
        {
            return apiKey;
        }

        return null;
    }

    private string? ReadScope(ServiceRequest request) => request.Header(state.Options.UserIsolationHeaderName);

    /// <summary>Dify serves a request without <c>user</c> as its default end user.</summary>
    internal static string UserOrDefault(string? user) => string.IsNullOrEmpty(user) ? "DEFAULT-USER" : user;

    private static ServiceAnswer OpenAINotFound(string id) =>
        Responses.OpenAIError(404, $"Conversation with id '{id}' not found.", "invalid_request_error", "not_found");

    private static ServiceAnswer OpenAIItemNotFound(string itemId) =>
        Responses.OpenAIError(404, $"Item with id '{itemId}' not found.", "invalid_request_error", "not_found");

    /// <summary>
    /// <c>/conversations/{id}/items</c> (<paramref name="itemId"/> null) or <c>/conversations/{id}/items/{item_id}</c>,
    /// each id one escaped segment.
    /// </summary>
    internal static bool TryItemsPath(string rest, out string conversationId, out string? itemId)
    {
        conversationId = string.Empty;
        itemId = null;
        if (!rest.StartsWith(Conversations + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var segments = rest[(Conversations.Length + 1)..].Split('/');
        if (segments.Length is < 2 or > 3 || segments[0].Length == 0 || segments[1] != "items" || (segments.Length == 3 && segments[2].Length == 0))
        {
            return false;
        }

        conversationId = Uri.UnescapeDataString(segments[0]);
        itemId = segments.Length == 3 ? Uri.UnescapeDataString(segments[2]) : null;
        return true;
    }

    /// <summary><c>/responses/{id}</c>, the id one escaped segment.</summary>
    internal static bool TryResponseId(string rest, out string id) => TryIdAfter(StoredResponses, rest, out id);

    /// <summary><c>/conversations/{id}</c>, the id one escaped segment.</summary>
    internal static bool TryConversationId(string rest, out string id) => TryIdAfter(Conversations, rest, out id);

    /// <summary><c>{collection}/{id}</c>, the id one segment, unescaped (the path keeps its escapes; the SDK sends an id as one escaped segment).</summary>
    private static bool TryIdAfter(string collection, string rest, out string id)
    {
        id = string.Empty;
        if (!rest.StartsWith(collection + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var segment = rest[(collection.Length + 1)..];
        if (segment.Length == 0 || segment.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        id = Uri.UnescapeDataString(segment);
        return true;
    }

    private static bool StartsWithSegment(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
