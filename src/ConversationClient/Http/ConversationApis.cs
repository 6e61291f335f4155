using ConversationClient.Internal;
using Refit;

namespace ConversationClient.Http;

/// <summary>Makes the Refit-generated dialect APIs, all on one set of <see cref="RefitSettings"/>.</summary>
internal static class ConversationApis
{
    /// <summary>
    /// Built once: request bodies serialized by <see cref="JsonBodySerializer"/> (the source-generated
    /// <see cref="ConversationJsonContext"/>, no reflection fallback) into a byte array, synchronously
    /// (<see cref="RequestBodySerializationMode.Buffered"/>): Dify gets a <c>Content-Length</c>, a retry sends the same
    /// bytes again, and it costs less than Refit's default push-stream body.
    /// </summary>
    internal static readonly RefitSettings Settings = CreateSettings();

    /// <summary>The source-generated implementation of a dialect's Refit interface <typeparamref name="TApi"/> on <paramref name="httpClient"/>.</summary>
    public static TApi Create<TApi>(HttpClient httpClient)
        where TApi : class =>
        RestService.ForGenerated<TApi>(httpClient, Settings);

    private static RefitSettings CreateSettings()
    {
        var settings = new RefitSettings(new JsonBodySerializer())
        {
            RequestBodySerialization = RequestBodySerializationMode.Buffered,
        };
        // The exception the transport threw goes to the facade as it is, not wrapped in Refit's ApiRequestException:
        // the facade tells network failures, timeouts, credential failures and cancellation apart by type.
        settings.TransportExceptionFactory = static (_, exception, _) => exception;
        return settings;
    }
}
