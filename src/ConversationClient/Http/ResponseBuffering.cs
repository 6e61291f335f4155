using System.Buffers;

namespace ConversationClient.Http;

/// <summary>Reads a response body into a <see cref="BufferedContent"/>: whole for a success, at most 64 KiB for an error.</summary>
internal static class ResponseBuffering
{
    /// <summary>The most of an error body that is read and kept.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>The most of a success body that is read (a list page is far smaller).</summary>
    public const int MaxSuccessBodyBytes = 32 * 1024 * 1024;

    public static async ValueTask BufferAsync(HttpResponseMessage response, bool async, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content is BufferedContent)
        {
            return;
        }

        var limit = response.IsSuccessStatusCode ? MaxSuccessBodyBytes : MaxErrorBodyBytes;
        var declared = content.Headers.ContentLength;
        if (declared == 0)
        {
            Replace(response, content, [], truncated: false);
            return;
        }

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
        var buffered = new BufferedContent(body, truncated);
        if (original.Headers.ContentType is { } contentType)
        {
            buffered.Headers.ContentType = contentType;
        }

        response.Content = buffered;
        original.Dispose();
    }
}
