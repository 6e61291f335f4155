using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ConversationClient.Tests.TestSupport;

/// <summary>What the scripted handler saw of one request.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string? Body,
    DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers from a script, one step per request, repeating the last step
/// when the script runs out, and records every request it saw. No network.
/// </summary>
internal sealed class ScriptedHandler(TimeProvider? clock = null) : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<Func<CancellationToken, Task<HttpResponseMessage>>> _steps = [];
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public RecordedRequest Single => Requests.Count == 1
        ? Requests[0]
        : throw new InvalidOperationException($"Expected one request, saw {Requests.Count}.");

    public ScriptedHandler Then(Func<CancellationToken, Task<HttpResponseMessage>> step)
    {
        _steps.Add(step);
        return this;
    }

    public ScriptedHandler Then(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null) =>
        Then(_ => Task.FromResult(Responses.Make(status, json, configure)));

    public ScriptedHandler ThenThrow(Exception exception) => Then(_ => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>A server that never answers: the attempt ends only when it is cancelled.</summary>
    public ScriptedHandler ThenHang() => Then(async ct =>
    {
        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        throw new InvalidOperationException("unreachable");
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<HttpResponseMessage>> step;
        lock (_lock)
        {
            _requests.Add(Record(request));
            if (_steps.Count == 0)
            {
                throw new InvalidOperationException("The script has no steps.");
            }

            step = _steps[Math.Min(_requests.Count, _steps.Count) - 1];
        }

        var response = await step(cancellationToken).ConfigureAwait(false);
        response.RequestMessage = request;
        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    private RecordedRequest Record(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers.NonValidated)
        {
            headers[header.Key] = header.Value.ToString();
        }

        string? body = null;
        string? contentType = null;
        if (request.Content is { } content)
        {
            body = Encoding.UTF8.GetString(content.ReadAsByteArrayAsync().GetAwaiter().GetResult());
            contentType = content.Headers.ContentType?.ToString();
        }

        return new RecordedRequest(request.Method, request.RequestUri!, headers, contentType, body,
            (clock ?? TimeProvider.System).GetUtcNow());
    }
}

/// <summary>Canned service answers.</summary>
internal static class Responses
{
    public const string OpenAIDeleted = """{"id":"conv_1","object":"conversation.deleted","deleted":true}""";
    public const string OpenAINotDeleted = """{"id":"conv_1","object":"conversation.deleted","deleted":false}""";
    public const string DifyLegacySuccess = """{"result":"success"}""";
    public const string OpenAINotFound = """{"error":{"message":"Conversation with id 'conv_1' not found.","type":"invalid_request_error","param":null,"code":null}}""";
    public const string DifyNotFound = """{"code":"not_found","message":"Conversation Not Exists.","status":404}""";

    public static HttpResponseMessage Make(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(status);
        if (json is not null)
        {
            response.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        configure?.Invoke(response);
        return response;
    }

    public static string OpenAIError(string code, string message, string type = "invalid_request_error") =>
        $$$"""{"error":{"code":"{{{code}}}","message":"{{{message}}}","param":null,"type":"{{{type}}}"}}""";

    public static string DifyError(string code, string message, int status) =>
        $$$"""{"code":"{{{code}}}","message":"{{{message}}}","status":{{{status}}}}""";
}
