using ConversationClient;

namespace Samples;

/// <summary>The real services a sample can talk to, configured from environment variables (shared by the samples).</summary>
internal static class SampleServices
{
    /// <summary>
    /// The services whose variables are set: <c>openai</c> (OPENAI_API_KEY, OPENAI_BASE_URL), <c>azure</c>
    /// (AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT) and <c>dify</c> (DIFY_API_KEY, DIFY_BASE_URL). A base address
    /// variable that is not an absolute http(s) URL leaves <paramref name="problem"/> set to one line saying which.
    /// </summary>
    public static Dictionary<string, ConversationClientOptions> FromEnvironment(Func<string, string?> environment, out string? problem)
    {
        problem = null;
        var services = new Dictionary<string, ConversationClientOptions>();
        if (environment("OPENAI_API_KEY") is { Length: > 0 } openAIKey
            && BaseAddress(environment, "OPENAI_BASE_URL", "https://api.openai.com/v1", ref problem) is { } openAIBase)
        {
            services["openai"] = Options(ConversationApiDialect.OpenAI, openAIBase, openAIKey);
        }

        if (environment("AZURE_OPENAI_API_KEY") is { Length: > 0 } azureKey && environment("AZURE_OPENAI_ENDPOINT") is { Length: > 0 }
            && BaseAddress(environment, "AZURE_OPENAI_ENDPOINT", null, ref problem) is { } endpoint)
        {
            var trimmed = endpoint.AbsoluteUri.TrimEnd('/');
            var baseUrl = trimmed.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) ? trimmed : trimmed + "/openai/v1";
            services["azure"] = Options(ConversationApiDialect.OpenAI, new Uri(baseUrl), azureKey, "api-key");
        }

        if (environment("DIFY_API_KEY") is { Length: > 0 } difyKey
            && BaseAddress(environment, "DIFY_BASE_URL", "https://api.dify.ai/v1", ref problem) is { } difyBase)
        {
            services["dify"] = Options(ConversationApiDialect.Dify, difyBase, difyKey);
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
    public static ConversationClientOptions Options(ConversationApiDialect dialect, Uri baseAddress, string apiKey, string? apiKeyHeader = null)
    {
        var options = new ConversationClientOptions
        {
            Dialect = dialect,
            BaseAddress = baseAddress,
            ApiKey = apiKey,
            ApiKeyHeaderName = apiKeyHeader,
        };
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(250);
        return options;
    }
}
