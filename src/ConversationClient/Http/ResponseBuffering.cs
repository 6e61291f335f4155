using System.Buffers;
using System.Globalization;
using System.Net;
using ConversationClient.Pipeline;

namespace ConversationClient.Http;

/// <summary>
/// Reads a response body into a <see cref="BufferedContent"/>: whole up to 1 MiB for a success (32 MiB for an item
/// page or a get, <see cref="MaxSuccessBodyBytesFor"/>), at most 64 KiB for an error. The buffer grows with what arrives, never from what <c>Content-Length</c> claims. A UTF-8 byte order mark
/// before the body is dropped, so every reader above sees the JSON itself.
/// </summary>
internal static class ResponseBuffering
{
    /// <summary>The most of an error body that is read and kept.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// The most of a success body that is read: 1 MiB. The largest answer these endpoints give is a list page of at
    /// most 100 conversations, each an id, a name or title and some metadata (Foundry allows 16 pairs of up to 512
    /// characters), well under this; a longer body is not one of theirs and is reported as
    /// <see cref="ConversationApiError.ResponseTooLargeCode"/> instead of being read on.
    /// </summary>
    public const int MaxSuccessBodyBytes = 1024 * 1024;

    /// <summary>
    /// The most of a success body of an item, message or stored-response page (or a get) that is read: 32 MiB. An item
    /// (a response) carries what the user and the model wrote (a message's text, a tool's output), so a page of 100 can
    /// be far larger than a listing of conversations.
    /// </summary>
    public const int MaxItemBodyBytes = 32 * 1024 * 1024;

    /// <summary>The success body limit of <paramref name="operation"/>.</summary>
    public static int MaxSuccessBodyBytesFor(CallOperation operation) =>
        operation is CallOperation.ListItems or CallOperation.ListResponses or CallOperation.GetConversation ? MaxItemBodyBytes : MaxSuccessBodyBytes;

    /// <summary>The first buffer's size; it doubles as the body arrives, up to the limit.</summary>
    private const int InitialBufferBytes = 4096;

    private const string ContentLengthHeader = "Content-Length";

    /// <summary>The body's declared Content-Length, read without parsing the header into a typed entry; else the typed header's answer.</summary>
    private static long? DeclaredLength(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues(ContentLengthHeader, out var values)
            && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : content.Headers.ContentLength; // absent (a length the content computes itself) or not a plain number

    /// <summary>Buffers the body of <paramref name="response"/>: a success up to <paramref name="maxSuccessBodyBytes"/>, an error up to <see cref="MaxErrorBodyBytes"/>.</summary>
    public static async ValueTask BufferAsync(HttpResponseMessage response, int maxSuccessBodyBytes, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content is BufferedContent)
        {
            return;
        }

        // A 204 has no body (RFC 9110, 15.3.5), whatever its headers say; SocketsHttpHandler gives it an empty stream.
        var declared = response.StatusCode == HttpStatusCode.NoContent ? 0 : DeclaredLength(content);
        if (declared == 0)
        {
            Replace(response, content, [], truncated: false);
            return;
        }

        var limit = response.IsSuccessStatusCode ? maxSuccessBodyBytes : MaxErrorBodyBytes;
        // The header may only make the first buffer smaller: a body that claims more than it sends must not cost
        // what it claims (one more byte than declared shows the end of the body without a second read).
        var initial = declared is { } length && length < InitialBufferBytes ? (int)length + 1 : InitialBufferBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var total = 0;
            var truncated = false;
            while (true)
            {
                // Full: grow. (total is at most limit here: a read that goes past it ends the loop below.)
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var wanted = Math.Min(buffer.Length, limit + 1) - total;
                var read = await stream.ReadAsync(buffer.AsMemory(total, wanted), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    truncated = true;
                    break;
                }
            }

            var kept = buffer.AsSpan(0, Math.Min(total, limit));
            if (kept.StartsWith(Utf8ByteOrderMark))
            {
                kept = kept[Utf8ByteOrderMark.Length..];
            }

            Replace(response, content, kept.ToArray(), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>EF BB BF: JSON must not begin with it (RFC 8259, 8.1), but some servers send it; readers may ignore it.</summary>
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static void Replace(HttpResponseMessage response, HttpContent original, byte[] body, bool truncated)
    {
        // The content's own headers (Content-Type) are not copied: nothing above this handler reads them, and copying
        // gave every response a second header collection.
        var buffered = new BufferedContent(body, truncated);
        response.Content = buffered;
        original.Dispose();
    }
}
