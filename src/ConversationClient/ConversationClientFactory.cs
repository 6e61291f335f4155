using ConversationClient.Internal;
using ConversationClient.Pipeline;
using Microsoft.Extensions.Logging;

namespace ConversationClient;

/// <summary>
/// Creates clients without dependency injection. Create one client per service and keep it for the life of the
/// application: all clients made here share one long-lived connection pool that follows DNS changes.
/// With dependency injection, use <c>services.AddConversationClient(...)</c> instead.
/// </summary>
public static class ConversationClientFactory
{
    /// <summary>The one connection pool of factory-made clients. Redirects are not followed: a redirect would carry the key header and the user isolation header to another host, and a 303 would turn the DELETE into a GET.</summary>
    internal static readonly SocketsHttpHandler SharedHandler = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
    };

    /// <summary>Creates a ready client for the service the options describe; it writes no logs.</summary>
    /// <param name="options">The settings; they are validated and copied, so later changes do not affect the client.</param>
    /// <returns>A thread-safe client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are not valid; the message names each setting that is missing or wrong.</exception>
    public static IConversationClient Create(ConversationClientOptions options) =>
        Create(options, SharedHandler, TimeProvider.System);

    /// <summary>
    /// Creates a ready client for the service the options describe, writing its logs (category
    /// <see cref="ConversationClientDiagnostics.LoggerCategory"/>) to <paramref name="loggerFactory"/>.
    /// </summary>
    /// <param name="options">The settings; they are validated and copied, so later changes do not affect the client.</param>
    /// <param name="loggerFactory">Where the client logs; null for no logs.</param>
    /// <returns>A thread-safe client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are not valid; the message names each setting that is missing or wrong.</exception>
    public static IConversationClient Create(ConversationClientOptions options, ILoggerFactory? loggerFactory) =>
        Create(options, SharedHandler, TimeProvider.System, random: null, loggerFactory);

    internal static IConversationClient Create(ConversationClientOptions options, HttpMessageHandler primaryHandler,
        TimeProvider timeProvider, Func<double>? random = null, ILoggerFactory? loggerFactory = null)
    {
        var settings = ClientSettings.Create(options, nameof(options));
        var handler = new ResilienceHandler(settings, timeProvider, random)
        {
            InnerHandler = new HeadersHandler(settings) { InnerHandler = primaryHandler },
        };
        var httpClient = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        return DefaultConversationClient.Create(httpClient, settings, timeProvider, new ConversationTelemetry(settings, loggerFactory));
    }
}
