using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ConversationClient.Testing.Services;

/// <summary>A request to the fake services, independent of the server that received it (WireMock.Net or ASP.NET Core).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path as sent, escapes kept (<c>/v1/conversations/a%2Fb</c>), without the query.</param>
/// <param name="Headers">The headers, names compared without case.</param>
/// <param name="Query">The query parameters, decoded.</param>
/// <param name="Body">The body as text; empty when there was none.</param>
internal sealed record ServiceRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}

/// <summary>An answer of the fake services: status, headers and body (empty for none).</summary>
internal sealed record ServiceAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public static ServiceAnswer Json<T>(int status, T body, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/json; charset=utf-8",
        };
        return new ServiceAnswer(status, all, JsonSerializer.SerializeToUtf8Bytes(body, typeInfo));
    }

    public static ServiceAnswer Empty(int status) => new(status, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), []);

    public ServiceAnswer WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

    public string BodyText => Encoding.UTF8.GetString(Body);
}
