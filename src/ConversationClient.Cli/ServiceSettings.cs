namespace ConversationClient.Cli;

/// <summary>
/// Turns the service options into <see cref="ConversationClientOptions"/>. The service is <c>--service</c> plus
/// <c>--base-url</c>, or read from the environment variables the QuickStart sample reads: <c>OPENAI_API_KEY</c> and
/// <c>OPENAI_BASE_URL</c>, <c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c>, <c>DIFY_API_KEY</c> and
/// <c>DIFY_BASE_URL</c> (the library's <see cref="ConversationServicePreset"/>s). The key only ever comes from an
/// environment variable; the token from <c>--token-command</c>.
/// </summary>
internal static class ServiceSettings
{
    /// <summary>The service names <c>--service</c> accepts.</summary>
    public static string[] Names { get; } = ConversationServicePreset.All.Select(service => service.Name).ToArray();

    /// <summary>Picks the service and builds the client options; throws <see cref="UsageException"/> with one clear line when something is missing.</summary>
    public static (ConversationServicePreset Service, ConversationClientOptions Options) Resolve(ServiceArguments arguments, Func<string, string?> environment, TokenCommand? tokenCommand)
    {
        var service = Pick(arguments, environment);
        var url = arguments.BaseUrl ?? NonEmpty(environment(service.BaseAddressVariable)) ?? service.DefaultBaseAddress?.AbsoluteUri
            ?? throw new UsageException($"No base address for {service.Name}: pass --base-url or set {service.BaseAddressVariable}.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"The base address of {service.Name} is not an absolute http or https address.");
        }

        // AZURE_OPENAI_ENDPOINT is the resource's root, as the Azure tools print it; the preset adds the API's /openai/v1.
        var options = new ConversationClientOptions { Dialect = service.Dialect, BaseAddress = service.ToBaseAddress(baseAddress) };
        if (tokenCommand is not null)
        {
            if (arguments.ApiKeyVariable is not null)
            {
                throw new UsageException("Pass either --api-key-env or --token-command, not both.");
            }

            options.AccessTokenProvider = tokenCommand.GetTokenAsync;
        }
        else
        {
            var variable = arguments.ApiKeyVariable ?? service.ApiKeyVariable;
            options.ApiKey = NonEmpty(environment(variable))
                ?? throw new UsageException($"No key for {service.Name}: set the environment variable {variable} (or use --token-command).");
            options.ApiKeyHeaderName = service.ApiKeyHeaderName;
        }

        if (arguments.MaxRetries is { } retries)
        {
            options.Retry.MaxRetries = retries;
        }

        if (arguments.AttemptTimeoutSeconds is { } attempt)
        {
            options.AttemptTimeout = Seconds(attempt, "--attempt-timeout");
        }

        if (arguments.TotalTimeoutSeconds is { } total)
        {
            options.TotalTimeout = Seconds(total, "--total-timeout");
        }

        return (service, options);
    }

    private static ConversationServicePreset Pick(ServiceArguments arguments, Func<string, string?> environment)
    {
        if (arguments.Service is { } name)
        {
            // --service accepts only the presets' names.
            return ConversationServicePreset.Find(name)!;
        }

        if (arguments.BaseUrl is not null || arguments.ApiKeyVariable is not null || arguments.TokenCommand is not null)
        {
            throw new UsageException("--base-url, --api-key-env and --token-command need --service openai|azure|dify.");
        }

        var configured = ConversationServicePreset.All
            .Where(service => NonEmpty(environment(service.ApiKeyVariable)) is not null
                && (service.DefaultBaseAddress is not null || NonEmpty(environment(service.BaseAddressVariable)) is not null))
            .ToList();
        return configured.Count switch
        {
            1 => configured[0],
            0 => throw new UsageException(
                "No service: pass --service and --base-url, or set OPENAI_API_KEY, AZURE_OPENAI_API_KEY with AZURE_OPENAI_ENDPOINT, or DIFY_API_KEY."),
            _ => throw new UsageException(
                $"Several services are configured ({string.Join(", ", configured.Select(service => service.Name))}): choose one with --service."),
        };
    }

    private static TimeSpan Seconds(double seconds, string option) =>
        double.IsFinite(seconds) && seconds > 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"{option} must be a number of seconds above 0 and at most one day.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The service options as parsed (null when not given).</summary>
internal sealed record ServiceArguments(
    string? Service,
    string? BaseUrl,
    string? ApiKeyVariable,
    string? TokenCommand,
    int? MaxRetries,
    double? AttemptTimeoutSeconds,
    double? TotalTimeoutSeconds);
