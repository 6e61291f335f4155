using ConversationClient.Dialects;
using Microsoft.Extensions.Options;


namespace ConversationClient.Internal;

/// <summary>Validates <see cref="ConversationClientOptions"/>, naming each setting that is missing or wrong (never its secret value).</summary>
internal sealed class ConversationClientOptionsValidator : IValidateOptions<ConversationClientOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ConversationClientOptions options)
    {
        var errors = GetErrors(options);
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var prefix = string.IsNullOrEmpty(name) ? "Conversation client: " : $"Conversation client '{name}': ";
        return ValidateOptionsResult.Fail(errors.Select(e => prefix + e));
    }

    public static List<string> GetErrors(ConversationClientOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Dialect))
        {
            errors.Add($"{nameof(ConversationClientOptions.Dialect)} must be {nameof(ConversationApiDialect.OpenAI)} or {nameof(ConversationApiDialect.Dify)}.");
        }

        if (options.BaseAddress is null)
        {
            errors.Add($"{nameof(ConversationClientOptions.BaseAddress)} is required (for example https://api.openai.com/v1, https://<resource>.openai.azure.com/openai/v1 or https://api.dify.ai/v1).");
        }
        else if (!options.BaseAddress.IsAbsoluteUri || (options.BaseAddress.Scheme != Uri.UriSchemeHttps && options.BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{nameof(ConversationClientOptions.BaseAddress)} must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(options.BaseAddress.Query) || !string.IsNullOrEmpty(options.BaseAddress.Fragment))
        {
            errors.Add($"{nameof(ConversationClientOptions.BaseAddress)} cannot have a query or a fragment.");
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.ApiKey);
        if (!hasKey && options.AccessTokenProvider is null)
        {
            errors.Add($"No credential: set {nameof(ConversationClientOptions.ApiKey)} or {nameof(ConversationClientOptions.AccessTokenProvider)}.");
        }
        else if (hasKey && options.AccessTokenProvider is not null)
        {
            errors.Add($"Set either {nameof(ConversationClientOptions.ApiKey)} or {nameof(ConversationClientOptions.AccessTokenProvider)}, not both.");
        }

        if (hasKey && !IsValidHeaderValue(options.ApiKey!))
        {
            errors.Add($"{nameof(ConversationClientOptions.ApiKey)} contains characters that cannot be sent in an HTTP header (control characters or non-ASCII).");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiKeyHeaderName) && !IsValidHeaderName(options.ApiKeyHeaderName.Trim()))
        {
            errors.Add($"{nameof(ConversationClientOptions.ApiKeyHeaderName)} is not a valid HTTP header name.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiKeyHeaderName) && options.AccessTokenProvider is not null)
        {
            errors.Add($"{nameof(ConversationClientOptions.ApiKeyHeaderName)} applies to {nameof(ConversationClientOptions.ApiKey)} only; an {nameof(ConversationClientOptions.AccessTokenProvider)} token is always sent as Authorization: Bearer.");
        }

        if (string.IsNullOrWhiteSpace(options.UserIsolationHeaderName) || !IsValidHeaderName(options.UserIsolationHeaderName.Trim()))
        {
            errors.Add($"{nameof(ConversationClientOptions.UserIsolationHeaderName)} must be a valid HTTP header name (default {ConversationClientOptions.DefaultUserIsolationHeaderName}).");
        }

        if (Enum.IsDefined(options.Dialect))
        {
            errors.AddRange(ConversationDialect.For(options.Dialect).OptionErrors(options));
        }

        if (options.OrganizationId is not null && !IsValidHeaderValue(options.OrganizationId))
        {
            errors.Add($"{nameof(ConversationClientOptions.OrganizationId)} contains characters that cannot be sent in an HTTP header.");
        }

        if (options.ProjectId is not null && !IsValidHeaderValue(options.ProjectId))
        {
            errors.Add($"{nameof(ConversationClientOptions.ProjectId)} contains characters that cannot be sent in an HTTP header.");
        }

        CheckTimeout(errors, nameof(ConversationClientOptions.AttemptTimeout), options.AttemptTimeout);
        CheckTimeout(errors, nameof(ConversationClientOptions.TotalTimeout), options.TotalTimeout);

        var retry = options.Retry;
        if (retry.MaxRetries is < 0 or > 100)
        {
            errors.Add("Retry.MaxRetries must be from 0 to 100.");
        }

        if (retry.BaseDelay < TimeSpan.Zero || retry.BaseDelay > MaxTimeout)
        {
            errors.Add("Retry.BaseDelay must be from zero to 1 day.");
        }

        if (retry.MaxDelay < TimeSpan.Zero || retry.MaxDelay > MaxTimeout)
        {
            errors.Add("Retry.MaxDelay must be from zero to 1 day.");
        }
        else if (retry.MaxDelay < retry.BaseDelay)
        {
            errors.Add("Retry.MaxDelay cannot be shorter than Retry.BaseDelay.");
        }

        return errors;
    }

    private static void CheckTimeout(List<string> errors, string name, TimeSpan value)
    {
        if (value < MinTimeout || value > MaxTimeout)
        {
            errors.Add($"{name} must be from 10 milliseconds to 1 day.");
        }
    }

    // TryAddWithoutValidation answers false for a name that is not a header token (or is a content header); it throws
    // only for a null or empty name, which the callers rule out first.
    private static bool IsValidHeaderName(string name)
    {
        using var request = new HttpRequestMessage();
        return request.Headers.TryAddWithoutValidation(name, "x");
    }

    private static bool IsValidHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return value.Length > 0;
    }
}
