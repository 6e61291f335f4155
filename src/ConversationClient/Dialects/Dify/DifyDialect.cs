using System.Text.Json;
using ConversationClient.Http;
using ConversationClient.Internal;
using ConversationClient.Pipeline;

namespace ConversationClient.Dialects.Dify;

/// <summary>
/// Dify's service API: a required user in the JSON body (and the listing's query), 2xx answers of its versions, a 404
/// that says "Conversation Not Exists.", routes that take only UUIDs, a <c>last_id</c> cursor that a delete invalidates.
/// </summary>
internal sealed class DifyDialect : ConversationDialect
{
    public static readonly DifyDialect Instance = new();

    private DifyDialect()
    {
    }

    public override string Name => "dify";

    /// <summary>Dify has no registered GenAI provider value: its own name.</summary>
    public override string ProviderName(Uri baseAddress) => "dify";

    public override string BaseAddressExample => "https://api.dify.ai/v1";

    public override bool CursorOutlivesDeletes => false;

    public override string? UserRequiredMessage => "The Dify dialect requires a user: Dify scopes every conversation by its end user.";

    public override string EraseUserRequiredMessage => "Erasing needs the user whose conversations to erase: Dify scopes every conversation by its end user.";

    public override IEnumerable<string> OptionErrors(ConversationClientOptions options)
    {
        if (options.OrganizationId is not null)
        {
            yield return $"{nameof(ConversationClientOptions.OrganizationId)} applies to the OpenAI dialect only.";
        }

        if (options.ProjectId is not null)
        {
            yield return $"{nameof(ConversationClientOptions.ProjectId)} applies to the OpenAI dialect only.";
        }
    }

    public override IConversationApi CreateApi(HttpClient httpClient) => new DifyConversationApi(ConversationApis.Create<IDifyConversationsApi>(httpClient));

    /// <summary>Only the bodies Dify's versions answer: <c>{"result":"success"}</c>, or the deleted conversation's fields all null (0.8–0.10).</summary>
    public override bool ConfirmsDeletion(in DeleteAnswer answer) =>
        (answer.Result is not null && answer.Members == 1) || (answer.Members > 0 && answer.AllNull);

    public override string NotConfirmedMessage =>
        "The service answered a success status with a JSON object that is none of Dify's delete answers " +
        "(no body, {\"result\":\"success\"}, or the deleted conversation's fields all null), so the deletion is not confirmed.";

    // Dify's Werkzeug 404 and its "Conversation Not Exists." share "not_found": the message tells.
    public override bool SaysConversationMissing(ConversationApiError error, EnvelopeShape shape) =>
        shape == EnvelopeShape.Dify && error.Code == ConversationApiError.NotFoundCode &&
        (error.Message!.Contains("not exist", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("not found", StringComparison.OrdinalIgnoreCase));

    // Only the delete has the id in its route; the messages take it in the query.
    public override ConversationApiError? ExplainRouteMiss(CallOperation operation, string? conversationId, string? rawBody) =>
        operation == CallOperation.DeleteConversation && conversationId is not null && !IsRoutableId(conversationId)
            ? new ConversationApiError
            {
                Code = ConversationApiError.DifyIdNotUuidCode,
                Message = "Dify routes only conversation ids in UUID form (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) and this id is not one, " +
                    "so its 404 cannot tell a conversation that cannot exist from a base address that is wrong (it should end with /v1). Nothing was deleted.",
                RawBody = rawBody,
            }
            : null;

    /// <summary>Whether Dify's route can match the id: Werkzeug's <c>uuid</c> converter takes only the hyphenated 8-4-4-4-12 hex form.</summary>
    public static bool IsRoutableId(string conversationId)
    {
        if (conversationId.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < conversationId.Length; i++)
        {
            var c = conversationId[i];
            if (i is 8 or 13 or 18 or 23 ? c != '-' : !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly IReadOnlyList<ErasureLimit> Limits =
    [
        new("Files the user uploaded (POST /files/upload) and files tools made: the service API has no operation that deletes a file, and deleting a conversation " +
            "does not remove the upload records or their stored objects.",
            "Dify service API reference (langgenius/dify-docs en/api-reference/openapi_chatflow.json: /files/upload and /files/{file_id}/preview, no delete); langgenius/dify api/tasks/delete_conversation_task.py " +
            "(1.x: deletes messages, feedback, annotations, conversation variables and tool file rows, not upload files or storage; PR #40792 adds storage cleanup later)"),
        new("Logs of the app's runs: workflow runs and node executions of a chatflow, agent thoughts and message chains, and annotation hit history (which holds the " +
            "user's question): deleting a conversation does not remove them and the service API has no operation that does (GET /workflows/logs lists, nothing deletes).",
            "langgenius/dify api/tasks/delete_conversation_task.py (1.x) and https://github.com/langgenius/dify/pull/40792; Dify service API reference, GET /workflows/logs"),
        new("Conversations the user had outside the service API (the web app, Explore, the console's debugger): the service API lists only conversations made " +
            "through it for that user, so they can be neither found nor erased with an app key; erase them in the Dify console.",
            "langgenius/dify api/services/conversation_service.py (pagination_by_last_id filters on from_source \"api\" and invoke_from service-api)"),
        new("Messages are removed by a background task after the conversation's delete answers; the conversation itself is gone at once (its messages no longer " +
            "readable through the API), but the rows are removed only when the service's worker has run.",
            "langgenius/dify api/services/conversation_service.py (delete, then delete_conversation_related_data.delay)"),
    ];

    public override IReadOnlyList<ErasureLimit> ErasureLimits(Uri baseAddress) => Limits;

    public override ConversationPage ReadPage(ReadOnlySpan<byte> body)
    {
        var page = JsonSerializer.Deserialize(body, ConversationJsonContext.Default.DifyConversationList)
            ?? throw new JsonException("The body is null.");
        var items = new List<ConversationSummary>(page.Data?.Count ?? 0);
        foreach (var item in page.Data ?? [])
        {
            items.Add(new ConversationSummary
            {
                Id = item.Id ?? throw new JsonException("A conversation has no id."),
                Name = item.Name,
                CreatedAt = FromUnixSeconds(item.CreatedAt),
                UpdatedAt = FromUnixSeconds(item.UpdatedAt),
            });
        }

        return new ConversationPage(items, page.HasMore, items.Count > 0 ? items[^1].Id : null);
    }

    /// <summary>Dify 1.13 deletes a conversation's messages itself (a background task after the 204).</summary>
    public override bool DeletesItemsWithConversation => true;

    public override bool ItemPagesStepBack => true;

    /// <summary>
    /// Each page is oldest first; the page before it is asked for with its first message (<c>first_id</c> = <c>data[0].id</c>).
    /// A message whose <c>conversation_id</c> is another conversation's fails the page: a route that ignores the
    /// query's conversation must not hand another conversation's messages over as this one's.
    /// </summary>
    public override ItemPage ReadItemPage(ReadOnlySpan<byte> body, string conversationId)
    {
        var items = ItemListReader.Read(body, ConversationJsonContext.Default.DifyMessage, (message, json) => new ConversationItem
        {
            Id = message.ConversationId is { } owner && owner != conversationId
                ? throw new JsonException("A listed message belongs to another conversation.")
                : message.Id ?? throw new JsonException("A message has no id."),
            Type = "message",
            Status = message.Status,
            CreatedAt = FromUnixSeconds(message.CreatedAt),
            Query = message.Query,
            Answer = message.Answer,
            FeedbackRating = message.Feedback?.Rating,
            FileIds = FileIds(message.MessageFiles),
            Json = json,
        }, out var hasMore);
        return new ItemPage(items, hasMore, items.Count > 0 ? items[0].Id : null);
    }

    private static string[] FileIds(List<DifyMessageFile>? files)
    {
        if (files is not { Count: > 0 })
        {
            return [];
        }

        var ids = new List<string>(files.Count);
        foreach (var file in files)
        {
            if (file.Id is { } id)
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
