using System.Buffers;
using System.Globalization;
using System.Net;

namespace ConversationClient.Http;

/// <summary>Reads a response body into a <see cref="BufferedContent"/>: whole for a success, at most 64 KiB for an error.</summary>
internal static class ResponseBuffering
{
    /// <summary>The most of an error body that is read and kept.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>The most of a success body that is read (a list page is far smaller).</summary>
    public const int MaxSuccessBodyBytes = 32 * 1024 * 1024;

    private const string ContentLengthHeader = "Content-Length";

    /// <summary>The body's declared Content-Length, read without parsing the header into a typed entry; else the typed header's answer.</summary>
    private static long? DeclaredLength(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues(ContentLengthHeader, out var values)
            && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : content.Headers.ContentLength; // absent (a length the content computes itself) or not a plain number

    public static async ValueTask BufferAsync(HttpResponseMessage response, bool async, CancellationToken cancellationToken)
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

        var limit = response.IsSuccessStatusCode ? MaxSuccessBodyBytes : MaxErrorBodyBytes;
        var initial = declared is { } length && length <= limit ? (int)length + 1 : 4096;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initial, limit + 1));
        try
        {
            var stream = async
                ? await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)
                : content.ReadAsStream(cancellationToken);
            var total = 0;
            var truncated = false;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > limit)
                    {
                        truncated = true;
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var wanted = Math.Min(buffer.Length, limit + 1) - total;
                var read = async
                    ? await stream.ReadAsync(buffer.AsMemory(total, wanted), cancellationToken).ConfigureAwait(false)
                    : stream.Read(buffer, total, wanted);
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

            Replace(response, content, buffer.AsSpan(0, Math.Min(total, limit)).ToArray(), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Replace(HttpResponseMessage response, HttpContent original, byte[] body, bool truncated)
    {
        // The content's own headers (Content-Type) are not copied: nothing above this handler reads them, and copying
        // gave every response a second header collection.
        var buffered = new BufferedContent(body, truncated);
        response.Content = buffered;
        original.Dispose();
    }
}
