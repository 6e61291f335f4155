using System.Globalization;
using System.Net.Http.Headers;
using ConversationClient.Dialects;

namespace ConversationClient.Internal;

/// <summary>
/// An immutable, validated snapshot of <see cref="ConversationClientOptions"/> with what every request needs
/// precomputed (URIs, the bearer header), so later changes to the options object cannot half-apply.
/// </summary>
internal sealed class ClientSettings
{
    private ClientSettings(ConversationClientOptions options)
    {
        Dialect = options.Dialect;
        DialectRules = ConversationDialect.For(options.Dialect);
        var baseText = options.BaseAddress!.AbsoluteUri;
        BaseAddress = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/", UriKind.Absolute);
        ApiKey = options.ApiKey;
        ApiKeyHeaderName = string.IsNullOrWhiteSpace(options.ApiKeyHeaderName) ? null : options.ApiKeyHeaderName.Trim();
        AccessTokenProvider = options.AccessTokenProvider;
        if (AccessTokenProvider is null && ApiKeyHeaderName is null)
        {
            BearerHeader = new AuthenticationHeaderValue("Bearer", ApiKey);
            BearerHeaderText = BearerHeader.ToString();
        }

        UserIsolationHeaderName = options.UserIsolationHeaderName.Trim();
        OrganizationId = options.OrganizationId;
        ProjectId = options.ProjectId;
        FixedHeaders = [.. DialectRules.FixedHeaders(options)];
        AttemptTimeout = options.AttemptTimeout;
        TotalTimeout = options.TotalTimeout;
        MaxRetries = options.Retry.MaxRetries;
        BaseDelay = options.Retry.BaseDelay;
        MaxDelay = options.Retry.MaxDelay;
        LogUserId = options.LogUserId;
    }

    public ConversationApiDialect Dialect { get; }

    /// <summary>Everything that differs in <see cref="Dialect"/>.</summary>
    public ConversationDialect DialectRules { get; }

    /// <summary>The base address, always ending in a slash.</summary>
    public Uri BaseAddress { get; }

    public string? ApiKey { get; }

    public string? ApiKeyHeaderName { get; }

    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; }

    /// <summary>The cached <c>Authorization: Bearer key</c> value when the key is sent that way; else null.</summary>
    public AuthenticationHeaderValue? BearerHeader { get; }

    /// <summary>
    /// <see cref="BearerHeader"/> as text, added to requests without validation: a typed header value is parsed
    /// into an entry and formatted into a new string by every request that sends it.
    /// </summary>
    public string? BearerHeaderText { get; }

    public string UserIsolationHeaderName { get; }

    public string? OrganizationId { get; }

    public string? ProjectId { get; }

    /// <summary>The headers every request of this client carries, whatever the call (the dialect's, such as <c>OpenAI-Organization</c>).</summary>
    public KeyValuePair<string, string>[] FixedHeaders { get; }

    public TimeSpan AttemptTimeout { get; }

    public TimeSpan TotalTimeout { get; }

    public int MaxRetries { get; }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public bool LogUserId { get; }

    /// <summary>Validates the options and takes a snapshot of them.</summary>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static ClientSettings Create(ConversationClientOptions options, string paramName = "options")
    {
        ArgumentNullException.ThrowIfNull(options, paramName);
        var errors = ConversationClientOptionsValidator.GetErrors(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), paramName);
        }

        return new ClientSettings(options);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Dialect} {BaseAddress.GetLeftPart(UriPartial.Authority)}");
}
