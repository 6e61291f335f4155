using System.Text.Json.Serialization;

namespace ConversationClient.Testing;

/// <summary>A snapshot of what a fake service (a <see cref="ConversationServiceStub"/> or the ConversationClient emulator) has answered since it started or its counters were reset.</summary>
public sealed class ServiceCounters
{
    /// <summary>
    /// Gets the number of API requests, those a stub's scripted faults answered included (the emulator's admin requests
    /// under <c>/__emulator</c> are not counted).
    /// </summary>
    public long Requests { get; init; }

    /// <summary>Gets the number of API requests answered in the OpenAI dialect (<c>/v1</c> with the OpenAI key, and <c>/openai/v1</c>).</summary>
    [JsonPropertyName("openai_requests")]
    public long OpenAIRequests { get; init; }

    /// <summary>Gets the number of API requests answered in the Dify dialect.</summary>
    public long DifyRequests { get; init; }

    /// <summary>Gets the number of requests refused with 401 for a missing or wrong API key.</summary>
    public long Unauthorized { get; init; }

    /// <summary>
    /// Gets the number of injected faults (see <see cref="ServiceFaultOptions"/>), and of a stub's scripted ones
    /// (<see cref="ConversationServiceStub.FailNext"/>, <see cref="ConversationServiceStub.ThrottleNext"/>, <see cref="ConversationServiceStub.ResetNext"/>).
    /// </summary>
    public long FaultsInjected { get; init; }

    /// <summary>Gets the number of conversations created, by the API or by seeding.</summary>
    public long ConversationsCreated { get; init; }

    /// <summary>Gets the number of delete requests that deleted a conversation (item deletes are in <see cref="ItemsDeleted"/>).</summary>
    public long ConversationsDeleted { get; init; }

    /// <summary>Gets the number of delete requests answered 404: conversation deletes and item deletes (an unknown item, or a conversation that is gone).</summary>
    public long DeletesNotFound { get; init; }

    /// <summary>
    /// Gets the number of DELETE requests that passed the key check, whatever their answer (deleted, 404, refused or a
    /// fault): conversation deletes and item deletes alike.
    /// </summary>
    public long DeleteRequests { get; init; }

    /// <summary>
    /// Gets the number of DELETE requests refused with 429 by the rate limit (<see cref="ServiceRateLimitOptions"/>);
    /// over <see cref="DeleteRequests"/> it is the refused share. Injected 429 faults are in <see cref="FaultsInjected"/>.
    /// </summary>
    public long DeletesRateLimited { get; init; }

    /// <summary>
    /// Gets the number of GET requests (reads: list pages, item and message pages, a conversation) that passed the key
    /// check, whatever their answer.
    /// </summary>
    public long ReadRequests { get; init; }

    /// <summary>
    /// Gets the number of GET requests refused with 429 by the read limit (<see cref="ServiceRateLimitOptions.ReadsPerSecond"/>);
    /// over <see cref="ReadRequests"/> it is the refused share of reads.
    /// </summary>
    public long ReadsRateLimited { get; init; }

    /// <summary>Gets the number of conversation list pages served.</summary>
    public long ListPages { get; init; }

    /// <summary>Gets the number of pages of a conversation's items (OpenAI dialect) or messages (Dify) served.</summary>
    public long ItemListPages { get; init; }

    /// <summary>Gets the number of item delete requests (OpenAI dialect) that deleted an item.</summary>
    public long ItemsDeleted { get; init; }

    /// <summary>Gets the number of requests for one conversation (<c>GET /conversations/{id}</c>, OpenAI dialect), answered 200 or 404.</summary>
    public long ConversationGets { get; init; }

    /// <summary>Gets the number of pages of stored responses served (<c>GET /openai/v1/responses</c>, Azure AI Foundry's path).</summary>
    public long ResponseListPages { get; init; }

    /// <summary>Gets the number of stored-response delete requests (<c>DELETE /openai/v1/responses/{id}</c>) that deleted a response.</summary>
    public long ResponsesDeleted { get; init; }
}
