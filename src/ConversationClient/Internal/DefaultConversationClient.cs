using ConversationClient.Dify;
using ConversationClient.Http;
using ConversationClient.OpenAI;

namespace ConversationClient.Internal;

/// <summary>The facade: checks arguments, calls the dialect's API, and maps what comes back into results.</summary>
internal sealed class DefaultConversationClient : IConversationClient
{
    private readonly ClientSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly IOpenAIConversationsApi? _openAI;
    private readonly IDifyConversationsApi? _dify;

    public DefaultConversationClient(ClientSettings settings, TimeProvider timeProvider, IOpenAIConversationsApi? openAI, IDifyConversationsApi? dify)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _openAI = openAI;
        _dify = dify;
    }

    /// <summary>A client whose dialect API runs on <paramref name="httpClient"/> (whose handler chain holds the resilience handler).</summary>
    public static DefaultConversationClient Create(HttpClient httpClient, ClientSettings settings, TimeProvider timeProvider) =>
        settings.Dialect == ConversationApiDialect.OpenAI
            ? new(settings, timeProvider, new OpenAIConversationsApi(httpClient, settings), null)
            : new(settings, timeProvider, null, new DifyConversationsApi(httpClient, settings));

    public async Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user = null, CancellationToken cancellationToken = default)
    {
        Guard.ConversationId(conversationId, nameof(conversationId));
        Guard.User(user, _settings.Dialect, nameof(user));
        cancellationToken.ThrowIfCancellationRequested();

        var state = new RequestState();
        HttpResponseMessage response;
        try
        {
            response = _openAI is not null
                ? await _openAI.DeleteConversationAsync(conversationId, user, state, cancellationToken).ConfigureAwait(false)
                : await _dify!.DeleteConversationAsync(conversationId, user!, state, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ResultMapper.IsTransportFailure(ex))
        {
            return ResultMapper.FromException(conversationId, ex, state);
        }

        using (response)
        {
            return ResultMapper.FromDeleteResponse(conversationId, response, state, _timeProvider);
        }
    }
}
