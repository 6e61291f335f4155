using System.Net;

namespace ConversationClient.Http;

/// <summary>
/// A response body read into memory inside the HTTP attempt that received it, so that a body that breaks off
/// fails (and is retried) with its attempt, and the facade can parse it without another read.
/// </summary>
internal sealed class BufferedContent(byte[] body, bool truncated) : HttpContent
{
    // The array alone is kept (the primary constructor parameter); the memory is made on each read.
    public ReadOnlyMemory<byte> Body => body;

    /// <summary>The buffered body of a response that went through the resilience handler; empty for any other.</summary>
    public static ReadOnlyMemory<byte> BodyOf(HttpResponseMessage response) =>
        response.Content is BufferedContent buffered ? buffered.Body : ReadOnlyMemory<byte>.Empty;

    /// <summary>Whether the response went through the resilience handler and its body was longer than what was kept.</summary>
    public static bool IsTruncated(HttpResponseMessage response) =>
        response.Content is BufferedContent { Truncated: true };

    /// <summary>Whether the body was longer than what was kept (see <see cref="ResponseBuffering"/>).</summary>
    public bool Truncated { get; } = truncated;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(body, 0, body.Length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(body, 0, body.Length, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(body, 0, body.Length);

    protected override Task<Stream> CreateContentReadStreamAsync() =>
        Task.FromResult<Stream>(new MemoryStream(body, writable: false));

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        new MemoryStream(body, writable: false);

    /// <summary>
    /// Not told: nothing above the handler reads the length (the facade reads <see cref="Body"/>), and Refit asks every
    /// response's content for it, which made the length a boxed, parsed <c>Content-Length</c> entry in a new header
    /// store per response; unknown, it stays absent.
    /// </summary>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
