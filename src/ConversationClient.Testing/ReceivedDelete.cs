namespace ConversationClient.Testing;

/// <summary>A delete the app sent to a <see cref="ConversationServiceStub"/>, with every attempt of it counted once.</summary>
/// <param name="ConversationId">The id of the conversation, unescaped.</param>
/// <param name="User">The end user: the isolation header (OpenAI dialect) or the body's <c>user</c> (Dify); null when none was sent.</param>
/// <param name="Attempts">How many requests arrived for this delete (the SDK keeps one <c>x-ms-client-request-id</c> across its retries).</param>
public sealed record ReceivedDelete(string ConversationId, string? User, int Attempts);
