namespace ConversationClient.Http;

/// <summary>Wraps a failure of <see cref="ConversationClientOptions.AccessTokenProvider"/>, so it is neither retried nor mistaken for a network failure.</summary>
internal sealed class CredentialUnavailableException(Exception innerException)
    : Exception("The access token provider failed: " + innerException.GetType().Name + ": " + innerException.Message, innerException);
