using ConversationClient;
using ConversationClient.Internal;
using ConversationClient.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IConversationClient"/> with <see cref="IServiceCollection"/> on <c>IHttpClientFactory</c>.</summary>
/// <remarks>
/// <para>
/// Each overload returns the client's <see cref="IHttpClientBuilder"/>. Handlers added to it run inside the SDK's
/// resilience pipeline, once per attempt, after the attempt's headers and credential are set; the
/// <see cref="CancellationToken"/> they receive is the attempt's.
/// </para>
/// <para>
/// Redirects are never followed, whatever primary handler is configured and when: <c>AllowAutoRedirect</c> is turned
/// off on a <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/> (also one wrapped in delegating
/// handlers) after all other configuration, and an answer that a handler of another kind got by following a redirect
/// is a failure (<see cref="ConversationApiError.UnexpectedResponseCode"/>). The SDK's handler is asynchronous only:
/// the synchronous <see cref="HttpClient.Send(HttpRequestMessage)"/> throws <see cref="NotSupportedException"/>.
/// </para>
/// </remarks>
public static class ConversationClientServiceCollectionExtensions
{
    private const string HttpClientNamePrefix = "ConversationClient";

    /// <summary>Registers the default <see cref="IConversationClient"/>, configured by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; they are validated when the client is first resolved (and at host start).</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The default client is already registered.</exception>
    public static IHttpClientBuilder AddConversationClient(this IServiceCollection services, Action<ConversationClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, null, configure);
    }

    /// <summary>
    /// Registers a named <see cref="IConversationClient"/>, resolved with
    /// <c>GetRequiredKeyedService&lt;IConversationClient&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>, so one
    /// application can talk to several services (for example Azure AI Foundry and Dify) at once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: its service key and its options name.</param>
    /// <param name="configure">Sets the options; they are validated when the client is first resolved (and at host start).</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">A client of that name is already registered.</exception>
    public static IHttpClientBuilder AddConversationClient(this IServiceCollection services, string name, Action<ConversationClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, name, configure);
    }

    /// <summary>
    /// Registers the default <see cref="IConversationClient"/> with options read from a configuration section
    /// (keys <c>Dialect</c>, <c>BaseAddress</c>, <c>ApiKey</c>, <c>ApiKeyHeaderName</c>, <c>UserIsolationHeaderName</c>,
    /// <c>OrganizationId</c>, <c>ProjectId</c>, <c>AttemptTimeout</c>, <c>TotalTimeout</c>, <c>Retry:MaxRetries</c>,
    /// <c>Retry:BaseDelay</c>, <c>Retry:MaxDelay</c>, <c>LogUserId</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>builder.Configuration.GetSection("ConversationClient")</c>.</param>
    /// <param name="configure">Sets what configuration cannot hold (an <see cref="ConversationClientOptions.AccessTokenProvider"/>), after binding.</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The default client is already registered.</exception>
    public static IHttpClientBuilder AddConversationClient(this IServiceCollection services, IConfiguration configuration,
        Action<ConversationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, null, Bind(configuration, configure));
    }

    /// <summary>Registers a named <see cref="IConversationClient"/> with options read from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: its service key and its options name.</param>
    /// <param name="configuration">The section, with the keys listed on <see cref="AddConversationClient(IServiceCollection, IConfiguration, Action{ConversationClientOptions}?)"/>.</param>
    /// <param name="configure">Sets what configuration cannot hold, after binding.</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">A client of that name is already registered.</exception>
    public static IHttpClientBuilder AddConversationClient(this IServiceCollection services, string name, IConfiguration configuration,
        Action<ConversationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, name, Bind(configuration, configure));
    }

    private static Action<ConversationClientOptions> Bind(IConfiguration configuration, Action<ConversationClientOptions>? configure) =>
        options =>
        {
            OptionsConfigurationReader.Bind(configuration, options);
            configure?.Invoke(options);
        };

    private static IHttpClientBuilder AddCore(IServiceCollection services, string? name, Action<ConversationClientOptions> configure)
    {
        var optionsName = name ?? Options.Options.DefaultName;
        var httpClientName = name is null ? HttpClientNamePrefix : $"{HttpClientNamePrefix}:{name}";

        // A second registration would add a second resilience handler to the same HttpClient (each attempt of the
        // outer one a whole retried call of the inner one) and a second options action; neither is what was meant.
        foreach (var descriptor in services)
        {
            if (descriptor.IsKeyedService && descriptor.ServiceType == typeof(ClientSettings) && Equals(descriptor.ServiceKey, httpClientName))
            {
                throw new InvalidOperationException(name is null
                    ? "The default conversation client is already registered. Call AddConversationClient once per client and set all its options in that call, or give the second client a name."
                    : $"A conversation client named '{name}' is already registered. Call AddConversationClient once per name and set all its options in that call.");
            }
        }

        services.AddOptions<ConversationClientOptions>(optionsName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationClientOptions>, ConversationClientOptionsValidator>());

        // One validated snapshot of the options per client, shared by its handlers and facades.
        services.AddKeyedSingleton(httpClientName, (sp, _) =>
            ClientSettings.Create(sp.GetRequiredService<IOptionsMonitor<ConversationClientOptions>>().Get(optionsName)));
        services.AddKeyedSingleton(httpClientName, (sp, _) =>
            new ConversationTelemetry(sp.GetRequiredKeyedService<ClientSettings>(httpClientName), sp.GetService<ILoggerFactory>()));

        // Redirects are not followed: they would carry the key header and the user isolation header to another host,
        // and a 303 would turn the DELETE into a GET. A 3xx is reported as a failure instead. This runs after every
        // Configure of the client's options, so it also holds for a primary handler the application sets later with
        // ConfigurePrimaryHttpMessageHandler (PostConfigure actions run after all Configure actions). A handler of
        // another kind that follows a redirect anyway gets a Failed result (ResilienceHandler).
        services.PostConfigure<HttpClientFactoryOptions>(httpClientName, static options =>
            options.HttpMessageHandlerBuilderActions.Add(static handlerBuilder =>
            {
                // The handler that sends may be wrapped in the application's own delegating handlers.
                var primary = handlerBuilder.PrimaryHandler;
                while (primary is DelegatingHandler { InnerHandler: { } inner })
                {
                    primary = inner;
                }

                switch (primary)
                {
                    // Set only when on: a handler that has sent requests refuses any change, even to the same value.
                    case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                        sockets.AllowAutoRedirect = false;
                        break;
                    case HttpClientHandler { AllowAutoRedirect: true } client:
                        client.AllowAutoRedirect = false;
                        break;
                }
            }));

        var builder = services
            .AddHttpClient(httpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => new ResilienceHandler(
                sp.GetRequiredKeyedService<ClientSettings>(httpClientName),
                sp.GetService<TimeProvider>() ?? TimeProvider.System))
            .AddHttpMessageHandler(sp => new HeadersHandler(sp.GetRequiredKeyedService<ClientSettings>(httpClientName)))
            // IHttpClientFactory's own HTTP logging writes raw request header values (the API key, the user
            // isolation header) into its log state at Trace level; the SDK's clients do their own logging instead
            // (ConversationTelemetry, which never records credentials or bodies).
            .RemoveAllLoggers();

        if (name is null)
        {
            services.AddTransient<IConversationClient>(sp => CreateClient(sp, httpClientName));
        }
        else
        {
            services.AddKeyedTransient<IConversationClient>(name, (sp, _) => CreateClient(sp, httpClientName));
        }

        return builder;
    }

    private static DefaultConversationClient CreateClient(IServiceProvider services, string httpClientName) =>
        DefaultConversationClient.Create(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName),
            services.GetRequiredKeyedService<ClientSettings>(httpClientName),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredKeyedService<ConversationTelemetry>(httpClientName));
}
