using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ConversationClient.Internal;

/// <summary>
/// Binds <see cref="ConversationClientOptions"/> from a configuration section by hand: reflection-free (trim- and
/// AOT-safe), and a value that does not parse fails with a message naming its key (never its value).
/// </summary>
internal static class OptionsConfigurationReader
{
    public static void Bind(IConfiguration section, ConversationClientOptions options)
    {
        Read(section, nameof(options.Dialect), v => options.Dialect = Enum.TryParse<ConversationApiDialect>(v, ignoreCase: true, out var d) && Enum.IsDefined(d) ? d : throw Invalid(section, nameof(options.Dialect), "OpenAI or Dify"));
        Read(section, nameof(options.BaseAddress), v => options.BaseAddress = Uri.TryCreate(v, UriKind.Absolute, out var u) ? u : throw Invalid(section, nameof(options.BaseAddress), "an absolute URI"));
        Read(section, nameof(options.ApiKey), v => options.ApiKey = v);
        Read(section, nameof(options.ApiKeyHeaderName), v => options.ApiKeyHeaderName = v);
        Read(section, nameof(options.UserIsolationHeaderName), v => options.UserIsolationHeaderName = v);
        Read(section, nameof(options.OrganizationId), v => options.OrganizationId = v);
        Read(section, nameof(options.ProjectId), v => options.ProjectId = v);
        Read(section, nameof(options.AttemptTimeout), v => options.AttemptTimeout = TimeSpanValue(section, nameof(options.AttemptTimeout), v));
        Read(section, nameof(options.TotalTimeout), v => options.TotalTimeout = TimeSpanValue(section, nameof(options.TotalTimeout), v));
        Read(section, nameof(options.LogUserId), v => options.LogUserId = bool.TryParse(v, out var b) ? b : throw Invalid(section, nameof(options.LogUserId), "true or false"));

        var retry = section.GetSection(nameof(options.Retry));
        Read(retry, nameof(options.Retry.MaxRetries), v => options.Retry.MaxRetries = int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid(retry, nameof(options.Retry.MaxRetries), "a whole number"));
        Read(retry, nameof(options.Retry.BaseDelay), v => options.Retry.BaseDelay = TimeSpanValue(retry, nameof(options.Retry.BaseDelay), v));
        Read(retry, nameof(options.Retry.MaxDelay), v => options.Retry.MaxDelay = TimeSpanValue(retry, nameof(options.Retry.MaxDelay), v));
    }

    private static void Read(IConfiguration section, string key, Action<string> apply)
    {
        var value = section[key];
        if (value is not null)
        {
            apply(value);
        }
    }

    private static TimeSpan TimeSpanValue(IConfiguration section, string key, string value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : throw Invalid(section, key, "a time span such as 00:00:10");

    private static InvalidOperationException Invalid(IConfiguration section, string key, string expected)
    {
        var path = section is IConfigurationSection s ? $"{s.Path}:{key}" : key;
        return new InvalidOperationException($"Configuration value '{path}' is not valid: expected {expected}.");
    }
}
