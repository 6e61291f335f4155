namespace ConversationClient;

/// <summary>
/// One hosted conversation service the SDK speaks to, with what tells it apart: its <see cref="Dialect"/>, where its API
/// lives, how it takes a key, and the environment variables its own tools read for the key and the address
/// (<c>OPENAI_API_KEY</c>, <c>AZURE_OPENAI_API_KEY</c> with <c>AZURE_OPENAI_ENDPOINT</c>, <c>DIFY_API_KEY</c>). The
/// <c>conversations</c> tool, the samples and the Testing package configure clients through these presets.
/// </summary>
/// <example>
/// <code>
/// var options = ConversationServicePreset.AzureAIFoundry.CreateOptions(
///     Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY")!,
///     new Uri("https://my-resource.openai.azure.com"));   // the API's /openai/v1 is added
/// var client = ConversationClientFactory.Create(options);
/// </code>
/// </example>
public sealed class ConversationServicePreset
{
    private readonly string? _apiPath;

    private ConversationServicePreset(
        string name, ConversationApiDialect dialect, string apiKeyVariable, string baseAddressVariable, Uri? defaultBaseAddress,
        string? apiKeyHeaderName, string? apiPath)
    {
        Name = name;
        Dialect = dialect;
        ApiKeyVariable = apiKeyVariable;
        BaseAddressVariable = baseAddressVariable;
        DefaultBaseAddress = defaultBaseAddress;
        ApiKeyHeaderName = apiKeyHeaderName;
        _apiPath = apiPath;
    }

    /// <summary>Gets OpenAI's Conversations API: <c>https://api.openai.com/v1</c>, a bearer key from <c>OPENAI_API_KEY</c>.</summary>
    public static ConversationServicePreset OpenAI { get; } = new(
        "openai", ConversationApiDialect.OpenAI, "OPENAI_API_KEY", "OPENAI_BASE_URL", new Uri("https://api.openai.com/v1"), null, null);

    /// <summary>
    /// Gets Azure AI Foundry's Conversations API: the resource's endpoint (<c>AZURE_OPENAI_ENDPOINT</c>, no default) with
    /// <c>/openai/v1</c>, and the key from <c>AZURE_OPENAI_API_KEY</c> in the <c>api-key</c> header.
    /// </summary>
    public static ConversationServicePreset AzureAIFoundry { get; } = new(
        "azure", ConversationApiDialect.OpenAI, "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", null, "api-key", "/openai/v1");

    /// <summary>Gets Dify's service API: <c>https://api.dify.ai/v1</c> (or a self-hosted server), a bearer app key from <c>DIFY_API_KEY</c>.</summary>
    public static ConversationServicePreset Dify { get; } = new(
        "dify", ConversationApiDialect.Dify, "DIFY_API_KEY", "DIFY_BASE_URL", new Uri("https://api.dify.ai/v1"), null, null);

    /// <summary>Gets every preset: <see cref="OpenAI"/>, <see cref="AzureAIFoundry"/> and <see cref="Dify"/>, in that order.</summary>
    public static IReadOnlyList<ConversationServicePreset> All { get; } = [OpenAI, AzureAIFoundry, Dify];

    /// <summary>Gets the short name: <c>openai</c>, <c>azure</c> or <c>dify</c> (the <c>conversations</c> tool's <c>--service</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the wire format the service speaks.</summary>
    public ConversationApiDialect Dialect { get; }

    /// <summary>Gets the environment variable that holds the key by convention, for example <c>OPENAI_API_KEY</c>.</summary>
    public string ApiKeyVariable { get; }

    /// <summary>Gets the environment variable that holds the address by convention, for example <c>AZURE_OPENAI_ENDPOINT</c>.</summary>
    public string BaseAddressVariable { get; }

    /// <summary>Gets the public base address, or null when every user has their own (Azure AI Foundry's resource endpoint).</summary>
    public Uri? DefaultBaseAddress { get; }

    /// <summary>Gets the header the key goes in (<c>api-key</c> on Azure AI Foundry), or null for <c>Authorization: Bearer</c>.</summary>
    public string? ApiKeyHeaderName { get; }

    /// <summary>Finds a preset by its <see cref="Name"/>, ignoring case.</summary>
    /// <param name="name">The name, for example <c>azure</c>.</param>
    /// <returns>The preset, or null when there is none of that name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static ConversationServicePreset? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(preset => string.Equals(preset.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Returns the base address of the API at <paramref name="address"/>: unchanged, except that Azure AI Foundry's
    /// resource endpoint (<c>https://my-resource.openai.azure.com</c>, as the Azure tools print it) gets the API's
    /// <c>/openai/v1</c> unless it already ends with it.
    /// </summary>
    /// <param name="address">An absolute address.</param>
    /// <returns>The base address for <see cref="ConversationClientOptions.BaseAddress"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not absolute.</exception>
    public Uri ToBaseAddress(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException("The address must be absolute.", nameof(address));
        }

        if (_apiPath is null || address.AbsolutePath.TrimEnd('/').EndsWith(_apiPath, StringComparison.OrdinalIgnoreCase))
        {
            return address;
        }

        var builder = new UriBuilder(address) { Path = address.AbsolutePath.TrimEnd('/') + _apiPath };
        return builder.Uri;
    }

    /// <summary>Returns new client options for this service with a key: dialect, base address and the key's header.</summary>
    /// <param name="apiKey">The key (or Dify app key).</param>
    /// <param name="baseAddress">The service's address (see <see cref="ToBaseAddress"/>); null for <see cref="DefaultBaseAddress"/>.</param>
    /// <returns>Options ready for <c>ConversationClientFactory.Create</c>; change them freely.</returns>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is null or white space, or <paramref name="baseAddress"/> is
    /// null and the service has no default address (Azure AI Foundry), or it is not absolute.</exception>
    public ConversationClientOptions CreateOptions(string apiKey, Uri? baseAddress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        var address = baseAddress ?? DefaultBaseAddress
            ?? throw new ArgumentException($"{Name} has no public address: pass the resource's endpoint ({BaseAddressVariable}).", nameof(baseAddress));
        return new ConversationClientOptions
        {
            Dialect = Dialect,
            BaseAddress = ToBaseAddress(address),
            ApiKey = apiKey,
            ApiKeyHeaderName = ApiKeyHeaderName,
        };
    }

    /// <summary>Returns the <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
