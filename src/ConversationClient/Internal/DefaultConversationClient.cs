using ConversationClient.Dify;
using ConversationClient.Http;
using ConversationClient.OpenAI;

namespace ConversationClient.Internal;

/// <summary>The facade: checks arguments, calls the dialect's API, and maps what comes back into results.</summary>
internal sealed class DefaultConversationClient : IConversationClient
{
    private readonly ClientSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ConversationTelemetry _telemetry;
    private readonly IOpenAIConversationsApi? _openAI;
    private readonly IDifyConversationsApi? _dify;

    // A null telemetry still traces and meters, and writes no logs.
    public DefaultConversationClient(ClientSettings settings, TimeProvider timeProvider, IOpenAIConversationsApi? openAI, IDifyConversationsApi? dify,
        ConversationTelemetry? telemetry = null)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _openAI = openAI;
        _dify = dify;
        _telemetry = telemetry ?? new ConversationTelemetry(settings, loggerFactory: null);
    }

    /// <summary>A client whose dialect API runs on <paramref name="httpClient"/> (whose handler chain holds the resilience handler).</summary>
    public static DefaultConversationClient Create(HttpClient httpClient, ClientSettings settings, TimeProvider timeProvider,
        ConversationTelemetry? telemetry = null) =>
        settings.Dialect == ConversationApiDialect.OpenAI
            ? new(settings, timeProvider, new OpenAIConversationsApi(httpClient, settings), null, telemetry)
            : new(settings, timeProvider, null, new DifyConversationsApi(httpClient, settings), telemetry);

    public async Task<DeleteConversationResult> DeleteAsync(string conversationId, string? user = null, CancellationToken cancellationToken = default)
    {
        Guard.ConversationId(conversationId, nameof(conversationId));
        Guard.User(user, _settings.Dialect, nameof(user));
        cancellationToken.ThrowIfCancellationRequested();

        var startTimestamp = _timeProvider.GetTimestamp();
        var activity = _telemetry.DeleteStarted(conversationId, user);
        var state = new RequestState { ConversationId = conversationId, Telemetry = _telemetry, Activity = activity };
        DeleteConversationResult result;
        Exception? failure = null;
        try
        {
            HttpResponseMessage? response = null;
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
                failure = ex;
            }

            if (response is null)
            {
                result = ResultMapper.FromException(conversationId, failure!, state);
            }
            else
            {
                using (response)
                {
                    result = ResultMapper.FromDeleteResponse(conversationId, response, state, _timeProvider);
                }
            }
        }
        catch (Exception ex)
        {
            _telemetry.DeleteAborted(activity, conversationId, ex, state, _timeProvider.GetElapsedTime(startTimestamp));
            throw;
        }

        _telemetry.DeleteFinished(activity, result, user, state, _timeProvider.GetElapsedTime(startTimestamp), failure);
        return result;
    }
}
