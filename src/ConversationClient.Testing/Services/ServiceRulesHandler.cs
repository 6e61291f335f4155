using System.Net;
using System.Net.Http.Headers;

namespace ConversationClient.Testing.Services;

/// <summary>
/// The service rules behind an <see cref="HttpMessageHandler"/>, with no socket: each request is answered in memory by
/// <see cref="ServiceRules"/>, as the emulator and the WireMock.Net stub answer it over HTTP. For unit tests that need
/// the services' state (stores, paging, envelopes) but not a server.
/// </summary>
internal sealed class ServiceRulesHandler(ServiceRules rules) : HttpMessageHandler
{
    public ServiceRules Rules => rules;

    /// <summary>Turns a rules answer into a response to <paramref name="request"/> (content headers on the content).</summary>
    public static HttpResponseMessage ToResponse(ServiceAnswer answer, HttpRequestMessage request)
    {
        var response = new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request, Content = new ByteArrayContent(answer.Body) };
        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no address.");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Collect(headers, request.Headers);
        var body = string.Empty;
        if (request.Content is { } content)
        {
            Collect(headers, content.Headers);
            body = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var parameters = query.AllKeys.OfType<string>().ToDictionary(key => key, key => query[key] ?? string.Empty, StringComparer.Ordinal);

        // AbsolutePath keeps the escapes of an id sent as one segment, as the servers' raw target does.
        var serviceRequest = new ServiceRequest(request.Method.Method, uri.AbsolutePath, headers, parameters, body);
        var answer = await rules.AnswerAsync(serviceRequest, cancellationToken).ConfigureAwait(false);
        return ToResponse(answer, request);
    }

    private static void Collect(Dictionary<string, string> into, HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            into[header.Key] = string.Join(", ", header.Value);
        }
    }
}
