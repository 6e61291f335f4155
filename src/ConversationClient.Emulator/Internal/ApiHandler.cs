using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Emulator.Internal;

/// <summary>
/// Answers every request: <c>/__emulator/*</c> goes to <see cref="AdminHandler"/>; <c>/openai/v1/*</c> is the OpenAI
/// dialect (Azure AI Foundry's path); <c>/v1/*</c> is the dialect of the key presented (both services live under
/// <c>/v1</c>, and each has its own key). A path a service does not serve gets that service's 404: OpenAI's
/// <c>Invalid URL (METHOD /path)</c> envelope, or Werkzeug's HTML page for Dify (also for an id that is not a UUID).
/// </summary>
internal sealed class ApiHandler(EmulatorState state)
{
    private const string AzurePrefix = "/openai/v1";
    private const string OpenAIPrefix = "/v1";
    private const string Conversations = "/conversations";
    private readonly AdminHandler _admin = new(state);

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["x-request-id"] = "req_" + Guid.NewGuid().ToString("N");
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith(AdminHandler.Prefix, StringComparison.Ordinal))
        {
            await _admin.HandleAsync(context, path[AdminHandler.Prefix.Length..]).ConfigureAwait(false);
            return;
        }

        string rest;
        bool azure;
        if (StartsWithSegment(path, AzurePrefix))
        {
            azure = true;
            rest = path[AzurePrefix.Length..];
        }
        else if (StartsWithSegment(path, OpenAIPrefix))
        {
            azure = false;
            rest = path[OpenAIPrefix.Length..];
        }
        else
        {
            // A path neither service serves (a base address without /v1): each answers in its own way, before any key check.
            var presented = ReadKey(context.Request, allowApiKeyHeader: false);
            await (IsDifyKey(presented)
                ? Responses.WerkzeugNotFound(context)
                : Responses.OpenAIError(context, 404, $"Invalid URL ({context.Request.Method} {path})", "invalid_request_error", null))
                .ConfigureAwait(false);
            return;
        }

        var options = state.Options;
        var key = ReadKey(context.Request, allowApiKeyHeader: azure);
        var dify = !azure && IsDifyKey(key);
        state.Counters.Request(dify);

        var expected = dify ? options.DifyApiKey : options.OpenAIApiKey;
        if (!string.Equals(key, expected, StringComparison.Ordinal))
        {
            state.Counters.Unauthorized();
            await Unauthorized(context, dify, key).ConfigureAwait(false);
            return;
        }

        var latency = state.Faults.Latency;
        if (latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }

        if (state.Faults.Decide(context.Request.Method) is { } fault)
        {
            state.Counters.Fault();
            await Responses.Fault(context, dify, fault.Status, fault.RetryAfter).ConfigureAwait(false);
            return;
        }

        if (dify)
        {
            await HandleDifyAsync(context, rest).ConfigureAwait(false);
        }
        else
        {
            await HandleOpenAIAsync(context, rest, azure).ConfigureAwait(false);
        }
    }

    private async Task HandleOpenAIAsync(HttpContext context, string rest, bool azure)
    {
        var request = context.Request;
        var scope = ReadScope(request);
        if (rest is Conversations or Conversations + "/")
        {
            if (HttpMethods.IsPost(request.Method))
            {
                await CreateOpenAIAsync(context, scope).ConfigureAwait(false);
                return;
            }

            if (HttpMethods.IsGet(request.Method) && (azure || state.Options.OpenAIPublicListing))
            {
                await ListOpenAIAsync(context, scope).ConfigureAwait(false);
                return;
            }
        }
        else if (TryConversationId(rest, out var id))
        {
            if (HttpMethods.IsGet(request.Method))
            {
                var conversation = state.OpenAI.Get(id, scope);
                await (conversation is null
                    ? OpenAINotFound(context, id)
                    : Responses.Json(context, 200, conversation, EmulatorJsonContext.Default.OpenAIConversationBody)).ConfigureAwait(false);
                return;
            }

            if (HttpMethods.IsDelete(request.Method))
            {
                if (state.OpenAI.Delete(id, scope))
                {
                    state.Counters.Deleted();
                    await Responses.Json(context, 200, new OpenAIDeletedBody(id, "conversation.deleted", true),
                        EmulatorJsonContext.Default.OpenAIDeletedBody).ConfigureAwait(false);
                }
                else
                {
                    state.Counters.DeleteNotFound();
                    await OpenAINotFound(context, id).ConfigureAwait(false);
                }

                return;
            }
        }

        await Responses.OpenAIError(context, 404, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null)
            .ConfigureAwait(false);
    }

    private async Task CreateOpenAIAsync(HttpContext context, string? scope)
    {
        OpenAICreateRequest? body = null;
        if (context.Request.ContentLength is not 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync(context.Request.Body, EmulatorJsonContext.Default.OpenAICreateRequest,
                    context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                await Responses.OpenAIError(context, 400, $"We could not parse the JSON body of your request. ({ex.Message})",
                    "invalid_request_error", null).ConfigureAwait(false);
                return;
            }
        }

        if (body?.Metadata is { Count: > 16 })
        {
            await Responses.OpenAIError(context, 400, "Invalid 'metadata': too many properties. Expected an object with at most 16 properties.",
                "invalid_request_error", "object_above_max_properties", "metadata").ConfigureAwait(false);
            return;
        }

        var conversation = state.OpenAI.Create(scope, body?.Metadata, state.Now);
        state.Counters.Created();
        await Responses.Json(context, 200, conversation, EmulatorJsonContext.Default.OpenAIConversationBody).ConfigureAwait(false);
    }

    private async Task ListOpenAIAsync(HttpContext context, string? scope)
    {
        var query = context.Request.Query;
        var limit = 20;
        if (query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            await Responses.OpenAIError(context, 400, "Invalid 'limit': expected an integer between 1 and 100.", "invalid_request_error",
                "invalid_value", "limit").ConfigureAwait(false);
            return;
        }

        var order = query.TryGetValue("order", out var orderText) ? orderText.ToString() : "desc";
        if (order is not ("asc" or "desc"))
        {
            await Responses.OpenAIError(context, 400, "Invalid 'order': expected 'asc' or 'desc'.", "invalid_request_error",
                "invalid_value", "order").ConfigureAwait(false);
            return;
        }

        var after = query.TryGetValue("after", out var afterText) && !string.IsNullOrEmpty(afterText) ? afterText.ToString() : null;
        var page = state.OpenAI.List(scope, limit, order == "asc", after);
        if (page is null)
        {
            await Responses.OpenAIError(context, 404, $"Conversation with id '{after}' not found.", "invalid_request_error", "not_found", "after")
                .ConfigureAwait(false);
            return;
        }

        state.Counters.ListPage();
        await Responses.Json(context, 200, page, EmulatorJsonContext.Default.OpenAIListBody).ConfigureAwait(false);
    }

    private async Task HandleDifyAsync(HttpContext context, string rest)
    {
        var request = context.Request;
        if (rest is Conversations or Conversations + "/" && HttpMethods.IsGet(request.Method))
        {
            await ListDifyAsync(context).ConfigureAwait(false);
            return;
        }

        if (rest == "/chat-messages" && HttpMethods.IsPost(request.Method))
        {
            await ChatDifyAsync(context).ConfigureAwait(false);
            return;
        }

        // Dify's route takes only UUIDs (Werkzeug's uuid converter): another id is a path it does not serve.
        if (TryConversationId(rest, out var id) && IsUuid(id) && HttpMethods.IsDelete(request.Method))
        {
            DifyDeleteRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync(request.Body, EmulatorJsonContext.Default.DifyDeleteRequest, context.RequestAborted)
                    .ConfigureAwait(false);
            }
            catch (JsonException)
            {
                await Responses.DifyError(context, 400, "bad_request", "The browser (or proxy) sent a request that this server could not understand.")
                    .ConfigureAwait(false);
                return;
            }

            if (state.Dify.Delete(id, UserOrDefault(body?.User)))
            {
                state.Counters.Deleted();
                context.Response.StatusCode = 204;
            }
            else
            {
                state.Counters.DeleteNotFound();
                await Responses.DifyError(context, 404, "not_found", "Conversation Not Exists.").ConfigureAwait(false);
            }

            return;
        }

        await Responses.WerkzeugNotFound(context).ConfigureAwait(false);
    }

    private async Task ListDifyAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = 20;
        if (query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            await Responses.DifyError(context, 400, "invalid_param", "limit: Invalid integer value, must be between 1 and 100.").ConfigureAwait(false);
            return;
        }

        var sortBy = query.TryGetValue("sort_by", out var sortText) ? sortText.ToString() : "-updated_at";
        if (!DifyStore.SortFields.Contains(sortBy))
        {
            await Responses.DifyError(context, 400, "invalid_param", "sort_by: Value must be one of created_at, -created_at, updated_at, -updated_at.")
                .ConfigureAwait(false);
            return;
        }

        var user = UserOrDefault(query["user"]);
        var lastId = query.TryGetValue("last_id", out var lastText) ? lastText.ToString() : null;
        var page = state.Dify.List(user, lastId, limit, sortBy);
        if (page is null)
        {
            await Responses.DifyError(context, 404, "not_found", "Last Conversation Not Exists.").ConfigureAwait(false);
            return;
        }

        state.Counters.ListPage();
        await Responses.Json(context, 200, page, EmulatorJsonContext.Default.DifyListBody).ConfigureAwait(false);
    }

    private async Task ChatDifyAsync(HttpContext context)
    {
        DifyChatRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(context.Request.Body, EmulatorJsonContext.Default.DifyChatRequest, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null || string.IsNullOrEmpty(body.Query))
        {
            await Responses.DifyError(context, 400, "invalid_param", "query is required").ConfigureAwait(false);
            return;
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
            await Responses.DifyError(context, 404, "not_found", "Conversation Not Exists.").ConfigureAwait(false);
            return;
        }

        var messageId = Guid.NewGuid().ToString("D");
        var answer = new DifyChatResponse("message", Guid.NewGuid().ToString("D"), messageId, messageId, conversationId, "advanced-chat",
            "This is the conversation emulator: no model runs here.", new Dictionary<string, string>(), now);
        await Responses.Json(context, 200, answer, EmulatorJsonContext.Default.DifyChatResponse).ConfigureAwait(false);
    }

    private static Task Unauthorized(HttpContext context, bool dify, string? key)
    {
        if (dify)
        {
            return key is null
                ? Responses.DifyError(context, 401, "unauthorized", "Authorization header must be provided and start with 'Bearer'")
                : Responses.DifyError(context, 401, "unauthorized", "Access token is invalid");
        }

        if (key is null)
        {
            return Responses.OpenAIError(context, 401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error", null);
        }

        // Like the real service, show only the ends of a wrong key.
        var shown = key.Length > 8 ? $"{key[..3]}***{key[^4..]}" : "***";
        return Responses.OpenAIError(context, 401, $"Incorrect API key provided: {shown}.", "invalid_request_error", "invalid_api_key");
    }

    /// <summary>Whether a key presented on <c>/v1</c> is Dify's: its own key, or any other app key (<c>app-...</c>).</summary>
    private bool IsDifyKey(string? key) =>
        key == state.Options.DifyApiKey || (key != state.Options.OpenAIApiKey && key is not null && key.StartsWith("app-", StringComparison.Ordinal));

    private static string? ReadKey(HttpRequest request, bool allowApiKeyHeader)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        if (allowApiKeyHeader && request.Headers.TryGetValue("api-key", out var apiKey) && !string.IsNullOrEmpty(apiKey))
        {
            return apiKey.ToString();
        }

        return null;
    }

    private string? ReadScope(HttpRequest request) =>
        request.Headers.TryGetValue(state.Options.UserIsolationHeaderName, out var value) && !string.IsNullOrEmpty(value)
            ? value.ToString()
            : null;

    /// <summary>Dify serves a request without <c>user</c> as its default end user.</summary>
    private static string UserOrDefault(string? user) => string.IsNullOrEmpty(user) ? "DEFAULT-USER" : user;

    private static Task OpenAINotFound(HttpContext context, string id) =>
        Responses.OpenAIError(context, 404, $"Conversation with id '{id}' not found.", "invalid_request_error", "not_found");

    private static bool TryConversationId(string rest, out string id)
    {
        id = string.Empty;
        if (!rest.StartsWith(Conversations + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var segment = rest[(Conversations.Length + 1)..];
        if (segment.Length == 0 || segment.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        // ASP.NET Core decodes the path except for %2F; the SDK sends an id as one escaped segment.
        id = Uri.UnescapeDataString(segment);
        return true;
    }

    /// <summary>The hyphenated 8-4-4-4-12 hex form, the only one Werkzeug's <c>uuid</c> converter matches.</summary>
    private static bool IsUuid(string id) =>
        id.Length == 36 && id.Select((c, i) => i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiHexDigit(c)).All(ok => ok);

    private static bool StartsWithSegment(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
