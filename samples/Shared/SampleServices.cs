using ConversationClient;

namespace Samples;

/// <summary>The real services a sample can talk to, configured from environment variables (shared by the samples).</summary>
internal static class SampleServices
{
    /// <summary>
    /// The services whose variables are set, by <see cref="ConversationServicePreset.Name"/>: <c>openai</c> (OPENAI_API_KEY,
    /// OPENAI_BASE_URL), <c>azure</c> (AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT) and <c>dify</c> (DIFY_API_KEY,
    /// DIFY_BASE_URL). A base address variable that is not an absolute http(s) URL leaves <paramref name="problem"/> set
    /// to one line saying which.
    /// </summary>
    public static Dictionary<string, ConversationClientOptions> FromEnvironment(Func<string, string?> environment, out string? problem)
    {
        problem = null;
        var services = new Dictionary<string, ConversationClientOptions>();
        foreach (var preset in ConversationServicePreset.All)
        {
            // A service without a public address (Azure AI Foundry) is configured only with its endpoint variable too.
            if (environment(preset.ApiKeyVariable) is { Length: > 0 } key
                && (preset.DefaultBaseAddress is not null || environment(preset.BaseAddressVariable) is { Length: > 0 })
                && BaseAddress(environment, preset.BaseAddressVariable, preset.DefaultBaseAddress?.AbsoluteUri, ref problem) is { } address)
            {
                services[preset.Name] = Options(preset, address, key);
            }
        }

        return services;
    }

    /// <summary>The variable's absolute http(s) URL, or its default when it is unset; null (and the first problem kept) when it is not one.</summary>
    private static Uri? BaseAddress(Func<string, string?> environment, string variable, string? fallback, ref string? problem)
    {
        var value = environment(variable) is { Length: > 0 } set ? set : fallback;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        problem ??= $"{variable} is not an absolute http(s) URL: '{value}'.";
        return null;
    }

    /// <summary>The service asked for (or the only one configured); null with the reason in <paramref name="nameOrProblem"/> otherwise.</summary>
    public static ConversationClientOptions? Pick(Dictionary<string, ConversationClientOptions> configured, string? service, out string nameOrProblem)
    {
        if (service is not null)
        {
            if (configured.TryGetValue(service, out var options))
            {
                nameOrProblem = service;
                return options;
            }

            nameOrProblem = $"The service '{service}' is not configured: set its environment variables.";
            return null;
        }

        if (configured.Count == 1)
        {
            var only = configured.Single();
            nameOrProblem = only.Key;
            return only.Value;
        }

        nameOrProblem = configured.Count == 0
            ? "No service is configured: set the environment variables of one."
            : $"Several services are configured ({string.Join(", ", configured.Keys)}): choose one with --service.";
        return null;
    }

    /// <summary>Options for one service, with a short first backoff so the demos stay snappy (the default is 0.8 s).</summary>
    public static ConversationClientOptions Options(ConversationServicePreset service, Uri baseAddress, string apiKey)
    {
        var options = service.CreateOptions(apiKey, baseAddress);
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(250);
        return options;
    }
}
