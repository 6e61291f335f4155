using System.Net;
using ConversationClient.Dialects;
using ConversationClient.Http;
using ConversationClient.Internal;

namespace ConversationClient.Pipeline;

/// <summary>What an answer means, judged once when it arrives and used by the retry, the batch's pacing, the result and telemetry.</summary>
internal enum VerdictKind
{
    /// <summary>A 2xx that confirms the delete (of a conversation, an item or a stored response); any other operation's 2xx, whose body the facade reads.</summary>
    Succeeded,

    /// <summary>A 404 in which the service says the conversation (or, for an item delete, the item; for a response delete, the response) does not exist.</summary>
    NotFound,

    /// <summary>A 404 about the address, not the conversation (<see cref="ConversationApiError.EndpointNotFoundCode"/>).</summary>
    EndpointMissing,

    /// <summary>408, 500, 502, 503, 504: worth another attempt.</summary>
    Transient,

    /// <summary>429 that is not a used-up quota: the service asks to wait (a batch's refusal).</summary>
    Refused,

    /// <summary>429 for a used-up quota (<c>insufficient_quota</c>): waiting does not refill it.</summary>
    Quota,

    /// <summary>Anything else: another 4xx, a 3xx, a 2xx that confirms nothing.</summary>
    Failed,
}

/// <summary>The verdict on one answer: its kind, the service's error (without the call's secrets) and the wait it asked for.</summary>
internal sealed class Verdict
{
    private Verdict(VerdictKind kind, ConversationApiError? error, TimeSpan? serverDelay, ServerText serverText, HttpResponseMessage response)
    {
        Kind = kind;
        Error = error;
        ServerDelay = serverDelay;
        ServerText = serverText;
        RequestId = serverText.Clean(ResultMapper.GetRequestId(response));
    }

    public VerdictKind Kind { get; }

    /// <summary>The error to report; null for <see cref="VerdictKind.Succeeded"/>.</summary>
    public ConversationApiError? Error { get; }

    /// <summary>The wait an error answer asked for (<c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, <c>Retry-After</c>); null when none.</summary>
    public TimeSpan? ServerDelay { get; }

    /// <summary>The service's request id (<c>x-request-id</c>, else <c>apim-request-id</c>), without the call's secrets.</summary>
    public string? RequestId { get; }

    /// <summary>The secrets of the attempt, for other server text read from the answer later (a listing page that cannot be read).</summary>
    public ServerText ServerText { get; }

    /// <summary>Whether another attempt may get another answer.</summary>
    public bool IsTransient => Kind is VerdictKind.Transient or VerdictKind.Refused;

    /// <summary>Judges a buffered answer to <paramref name="call"/>.</summary>
    public static Verdict Judge(HttpResponseMessage response, CallState call, HttpRequestMessage request, ClientSettings settings, DateTimeOffset now)
    {
        var serverText = ServerText.For(settings.ApiKey, request, call.User);
        if (response.IsSuccessStatusCode)
        {
            var refusal = BufferedContent.IsTruncated(response) ? ResultMapper.TooLarge(ResponseBuffering.MaxSuccessBodyBytesFor(call.Operation))
                : call.ConversationId is not { } id ? null
                : call.Operation switch
                {
                    CallOperation.DeleteConversation => DeleteAnswer.Judge(BufferedContent.BodyOf(response), id, settings.DialectRules),
                    CallOperation.DeleteItem => DeleteAnswer.JudgeItemDelete(BufferedContent.BodyOf(response), id),
                    CallOperation.DeleteResponse => DeleteAnswer.JudgeResponseDelete(BufferedContent.BodyOf(response), call.ResponseId!),
                    _ => null, // a page or a conversation: read by the facade
                };
            return refusal is null
                ? new(VerdictKind.Succeeded, null, null, serverText, response)
                : new(VerdictKind.Failed, serverText.Clean(refusal), null, serverText, response);
        }

        TimeSpan? serverDelay = Http.ServerDelay.TryGet(response, now, out var wait) ? wait : null;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var notFound = serverText.Clean(ErrorBodyParser.ParseNotFound(response, settings.DialectRules, call, out var conversationMissing));
            return new(conversationMissing ? VerdictKind.NotFound : VerdictKind.EndpointMissing, notFound, serverDelay, serverText, response);
        }

        var error = serverText.Clean(ErrorBodyParser.Parse(response));
        var kind = response.StatusCode switch
        {
            HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => VerdictKind.Transient,
            HttpStatusCode.TooManyRequests when error.Code == "insufficient_quota" || error.Type == "insufficient_quota" => VerdictKind.Quota,
            HttpStatusCode.TooManyRequests => VerdictKind.Refused,
            _ => VerdictKind.Failed,
        };
        return new(kind, error, serverDelay, serverText, response);
    }
}
