using ConversationClient.Dialects;

namespace ConversationClient;

/// <summary>
/// Something of an end user's data that the service's API does not let a client erase (or even find), with where that
/// fact comes from. An erasure cannot reach it: say it to whoever asked for the erasure, and erase it by other means.
/// </summary>
public sealed class ErasureLimit
{
    internal ErasureLimit(string description, string source)
    {
        Description = description;
        Source = source;
    }

    /// <summary>Gets what the API cannot erase, and why.</summary>
    public string Description { get; }

    /// <summary>Gets where the fact comes from: the API reference or source it was read in.</summary>
    public string Source { get; }

    /// <summary>What the API of the service <paramref name="options"/> point at cannot erase.</summary>
    /// <param name="options">The client's options: their <see cref="ConversationClientOptions.Dialect"/> and <see cref="ConversationClientOptions.BaseAddress"/> (Azure hosts differ from OpenAI's) tell the service.</param>
    /// <returns>The limits, in the order the erasure report and the tool show them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or its <see cref="ConversationClientOptions.BaseAddress"/> is null.</exception>
    public static IReadOnlyList<ErasureLimit> For(ConversationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.BaseAddress, "options.BaseAddress");
        return ConversationDialect.For(options.Dialect).ErasureLimits(options.BaseAddress);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Description} (source: {Source})";
}
