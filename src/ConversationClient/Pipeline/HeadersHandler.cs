using ConversationClient.Http;
using ConversationClient.Internal;

namespace ConversationClient.Pipeline;

/// <summary>
/// The headers of each attempt: the user isolation header, the client's fixed headers, and the credential (the API key,
/// or a bearer token from the access token provider, asked for again on every attempt so a token that expired during
/// the retries is renewed).
/// </summary>
internal sealed class HeadersHandler(ClientSettings settings) : DelegatingHandler
{
    private const string AuthorizationHeader = "Authorization";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Headers whose names are configured: Refit's [Header] needs a constant name (see IOpenAIConversationsApi).
        if (settings.DialectRules.UserIsolationKey(CallState.Of(request)?.User) is { } userIsolationKey)
        {
            request.Headers.Remove(settings.UserIsolationHeaderName);
            request.Headers.TryAddWithoutValidation(settings.UserIsolationHeaderName, userIsolationKey);
        }

        foreach (var (name, value) in settings.FixedHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (settings.AccessTokenProvider is { } provider)
        {
            return SendWithTokenAsync(request, provider, cancellationToken);
        }

        if (settings.BearerHeaderText is { } bearer)
        {
            SetAuthorization(request, bearer);
        }
        else if (settings.ApiKeyHeaderName is { } headerName)
        {
            request.Headers.Remove(headerName);
            request.Headers.TryAddWithoutValidation(headerName, settings.ApiKey);
        }

        // With a fixed credential the attempt needs no async layer of this handler's own: it runs on every HTTP call.
        return base.SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, Func<CancellationToken, ValueTask<string>> provider,
        CancellationToken cancellationToken)
    {
        SetAuthorization(request, "Bearer " + await GetTokenAsync(provider, cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void SetAuthorization(HttpRequestMessage request, string value)
    {
        request.Headers.Remove(AuthorizationHeader);
        request.Headers.TryAddWithoutValidation(AuthorizationHeader, value);
    }

    /// <summary>
    /// The provider's token. Its failure, and a token that cannot be sent as a header value, become a
    /// <see cref="CredentialUnavailableException"/> (never retried); only a cancellation of
    /// <paramref name="cancellationToken"/> (the attempt's timeout or the caller) stays a cancellation.
    /// </summary>
    private static async ValueTask<string> GetTokenAsync(Func<CancellationToken, ValueTask<string>> provider, CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await provider(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A provider's own cancellation (its HTTP client timing out, say) is its failure, not this call's timeout.
            throw new CredentialUnavailableException(ex);
        }

        // Non-empty visible ASCII (RFC 9110's field value without spaces or obs-text): a line break would split the
        // header, and other characters fail in the socket handler's encoder, which would look like a broken connection.
        if (string.IsNullOrEmpty(token) || token.AsSpan().ContainsAnyExceptInRange('\x21', '\x7E'))
        {
            throw new CredentialUnavailableException(
                "The access token provider returned an empty token or one that cannot be sent in an HTTP header (a line break, a control or a non-ASCII character).");
        }

        return token;
    }
}
