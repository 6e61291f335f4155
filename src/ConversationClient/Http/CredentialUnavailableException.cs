namespace ConversationClient.Http;

/// <summary>Wraps a failure of <see cref="ConversationClientOptions.AccessTokenProvider"/>, so it is neither retried nor mistaken for a network failure.</summary>
/// <remarks>
/// Only the type of the provider's exception is kept, neither its message nor the exception itself: both are the
/// application's and could hold anything, a token included, and this exception reaches the client's Warning log
/// and, from listings, a <see cref="ConversationApiException"/>'s inner exception.
/// </remarks>
internal sealed class CredentialUnavailableException : Exception
{
    /// <summary>The provider threw <paramref name="providerException"/>; only its type is kept.</summary>
    public CredentialUnavailableException(Exception providerException)
        : base("The access token provider failed with " + providerException.GetType().Name + ".")
    {
    }

    /// <summary>The provider returned what cannot be used; <paramref name="message"/> must not hold the token.</summary>
    public CredentialUnavailableException(string message)
        : base(message)
    {
    }
}
