using System.Globalization;
using System.Text;

namespace ConversationClient.Http;

/// <summary>Builds query strings: every value escaped, null values left out.</summary>
internal static class QueryString
{
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static Uri Append(Uri baseUri, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var text = new StringBuilder(baseUri.AbsoluteUri);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(text.ToString(), UriKind.Absolute);
    }
}
