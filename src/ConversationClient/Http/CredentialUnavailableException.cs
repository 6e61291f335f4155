namespace ConversationClient.Http;

/// <summary>Wraps a failure of <see cref="ConversationClientOptions.AccessTokenProvider"/>, so it is neither retried nor mistaken for a network failure.</summary>
internal sealed class CredentialUnavailableException(Exception innerException)
    // The provider's own message is not copied: it is the application's text and could hold anything, a token included.
    : Exception("The access token provider failed with " + innerException.GetType().Name + " (see the inner exception).", innerException);
