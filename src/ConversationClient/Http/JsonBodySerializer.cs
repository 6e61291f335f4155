using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ConversationClient.Internal;
using Refit;

namespace ConversationClient.Http;

/// <summary>
/// Refit's content serializer for the dialect APIs: a request body is the UTF-8 JSON of the source-generated
/// <see cref="ConversationJsonContext"/> in a byte array (so it has a <c>Content-Length</c> and a retry sends the same
/// bytes), typed <c>application/json</c> without a <c>charset</c> parameter, as Dify's documentation sends it. Refit's
/// own buffered serializer gives the same bytes with <c>application/json; charset=utf-8</c>, which a <c>[Headers]</c>
/// attribute then had to replace per request (a parsed media type with its parameter, removed again). Reading bodies is
/// Refit's serializer's, over the same context (the dialect APIs return the response itself, so it is not used).
/// </summary>
internal sealed class JsonBodySerializer : IHttpContentSerializer, ISynchronousContentSerializer
{
    private const string ContentTypeHeader = "Content-Type";
    private const string JsonMediaType = "application/json";

    private readonly SystemTextJsonContentSerializer _reader = SystemTextJsonContentSerializer.ForContext(ConversationJsonContext.Default);

    public HttpContent ToHttpContentSynchronous<T>(T item)
    {
        var typeInfo = (JsonTypeInfo<T>?)ConversationJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new NotSupportedException($"{typeof(T)} is not in {nameof(ConversationJsonContext)}.");
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(item, typeInfo));
        // A constant, valid media type: added as text, not parsed into a typed value per request.
        content.Headers.TryAddWithoutValidation(ContentTypeHeader, JsonMediaType);
        return content;
    }

    /// <summary>Also buffered: a body is never streamed (see the class summary).</summary>
    public HttpContent ToStreamingHttpContent<T>(T item) => ToHttpContentSynchronous(item);

    public HttpContent ToHttpContent<T>(T item) => ToHttpContentSynchronous(item);

    public Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default) =>
        _reader.FromHttpContentAsync<T>(content, cancellationToken);

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) => _reader.GetFieldNameForProperty(propertyInfo);
}
