using System.Net;
using ConversationClient.Dialects.Dify;
using ConversationClient.Dialects.OpenAI;
using ConversationClient.Http;
using ConversationClient.Internal;
using ConversationClient.Pipeline;

namespace ConversationClient.Dialects;

/// <summary>
/// Everything that differs between the services' API dialects: where the user goes and its rules, the requests
/// (<see cref="CreateApi"/>), how a 2xx, a 404 and a listing page are read, and how the listing cursor behaves. The
/// facade, the pipeline, batching and telemetry ask the dialect and hold no branch of their own.
/// </summary>
internal abstract class ConversationDialect
{
    /// <summary>The dialect of <paramref name="dialect"/>: adding a dialect is its folder and one line here.</summary>
    public static ConversationDialect For(ConversationApiDialect dialect) => dialect switch
    {
        ConversationApiDialect.OpenAI => OpenAIDialect.Instance,
        ConversationApiDialect.Dify => DifyDialect.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Not a known dialect."),
    };

    /// <summary>The dialect's name in telemetry (<c>openai</c>, <c>dify</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The GenAI provider of a client at <paramref name="baseAddress"/> (OpenTelemetry's <c>gen_ai.provider.name</c>):
    /// a registered value where there is one.
    /// </summary>
    public abstract string ProviderName(Uri baseAddress);

    /// <summary>A base address of the dialect, for messages about a wrong one.</summary>
    public abstract string BaseAddressExample { get; }

    /// <summary>
    /// Whether a listing cursor stays valid when the conversation it names is deleted (OpenAI's <c>after</c>); when
    /// it does not (Dify's <c>last_id</c>), an erasure pages on from a conversation it knows still stands.
    /// </summary>
    public abstract bool CursorOutlivesDeletes { get; }

    /// <summary>Why a call without a user is refused; null when the dialect does without one.</summary>
    public abstract string? UserRequiredMessage { get; }

    /// <summary>Why an erasure without a user is refused.</summary>
    public abstract string EraseUserRequiredMessage { get; }

    /// <summary>Checks the dialect's own rules for a user that is not empty; throws <see cref="ArgumentException"/>.</summary>
    public virtual void CheckUser(string user, string paramName)
    {
    }

    /// <summary>The value of the user isolation header for <paramref name="user"/>; null when the dialect sends the user otherwise.</summary>
    public virtual string? UserIsolationKey(string? user) => null;

    /// <summary>What is wrong with options that are set but do not apply to the dialect.</summary>
    public virtual IEnumerable<string> OptionErrors(ConversationClientOptions options) => [];

    /// <summary>The headers every request of a client carries (<c>OpenAI-Organization</c>, say).</summary>
    public virtual IEnumerable<KeyValuePair<string, string>> FixedHeaders(ConversationClientOptions options) => [];

    /// <summary>The dialect's requests on <paramref name="httpClient"/>.</summary>
    public abstract IConversationApi CreateApi(HttpClient httpClient);

    /// <summary>Whether a well-formed 2xx delete body (<see cref="DeleteAnswer"/>) confirms the deletion, beyond the checks every dialect makes.</summary>
    public abstract bool ConfirmsDeletion(in DeleteAnswer answer);

    /// <summary>The message of a 2xx delete body that does not confirm in this dialect.</summary>
    public abstract string NotConfirmedMessage { get; }

    /// <summary>
    /// Whether a 404's error, in an envelope of <paramref name="shape"/> whose message speaks of a conversation, is the
    /// dialect's own word that the conversation does not exist.
    /// </summary>
    public abstract bool SaysConversationMissing(ConversationApiError error, EnvelopeShape shape);

    /// <summary>A dialect's own explanation of a 404 about the address (Dify's route that takes only UUIDs); null for the general one.</summary>
    public virtual ConversationApiError? ExplainRouteMiss(CallOperation operation, string? conversationId, string? rawBody) => null;

    /// <summary>The message of a listing answered by a route miss (404, 405), when the dialect has one to say; null for the general one.</summary>
    public virtual string? ListRouteMissMessage(HttpStatusCode status) => null;

    /// <summary>What the service at <paramref name="baseAddress"/> does not let a client erase, with the source of each fact.</summary>
    public abstract IReadOnlyList<ErasureLimit> ErasureLimits(Uri baseAddress);

    /// <summary>Reads a listing page; throws <see cref="System.Text.Json.JsonException"/> for a body that is not one.</summary>
    public abstract ConversationPage ReadPage(ReadOnlySpan<byte> body);

    /// <summary>
    /// Whether the service deletes a conversation's items with it (Dify's messages); when it does not (OpenAI: "Items in
    /// the conversation will not be deleted."), an erasure deletes each item before the conversation, and the dialect
    /// has an item delete (<see cref="IConversationApi.DeleteItemAsync"/>).
    /// </summary>
    public abstract bool DeletesItemsWithConversation { get; }

    /// <summary>
    /// Whether item pages step back from the newest whatever order is asked (Dify's <c>first_id</c>: each page oldest
    /// first, the next one older); false when the service pages in the order asked (OpenAI's <c>order</c> and <c>after</c>).
    /// </summary>
    public virtual bool ItemPagesStepBack => false;

    /// <summary>
    /// Reads a page of the items of <paramref name="conversationId"/>; throws <see cref="System.Text.Json.JsonException"/>
    /// for a body that is not one (an item it says belongs to another conversation among them).
    /// </summary>
    public abstract ItemPage ReadItemPage(ReadOnlySpan<byte> body, string conversationId);

    /// <summary>
    /// Whether the service at <paramref name="baseAddress"/> lists the stored responses of a conversation (Azure AI
    /// Foundry's <c>GET /responses?conversation_id=</c>), so that an erasure deletes them before the conversation; false
    /// where the API has no such list (OpenAI's public API) or no stored responses (Dify).
    /// </summary>
    public virtual bool ListsStoredResponses(Uri baseAddress) => false;

    /// <summary>
    /// Reads a page of the stored responses of <paramref name="conversationId"/>; throws <see cref="System.Text.Json.JsonException"/>
    /// for a body that is not one (a response it says belongs to another conversation among them), <see cref="NotSupportedException"/>
    /// where the dialect has none.
    /// </summary>
    public virtual ResponsePage ReadResponsePage(ReadOnlySpan<byte> body, string conversationId) =>
        throw new NotSupportedException($"The {Name} dialect has no stored responses.");

    /// <summary>A Unix time in seconds as a date; a value out of range (milliseconds sent as seconds, say) is unknown rather than failing the page.</summary>
    protected static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is { } s && s >= MinUnixSeconds && s <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
}
