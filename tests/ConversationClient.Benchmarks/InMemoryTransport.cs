using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ConversationClient.Benchmarks;

/// <summary>
/// A primary handler that answers as <see cref="LoopbackServer"/> does for a deleted conversation, without a network:
/// OpenAI's <c>200 {"id":...,"object":"conversation.deleted","deleted":true}</c>, Dify's <c>204</c>. It reads the
/// request body as a transport would. With no round trip to hide it, what a client does per call is all that is timed.
/// </summary>
internal sealed class InMemoryTransport : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        var path = request.RequestUri!.AbsolutePath;
        if (path.StartsWith("/dify/", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request };
        }

        var id = path[(path.LastIndexOf('/') + 1)..];
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","object":"conversation.deleted","deleted":true}""");
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
    }
}
