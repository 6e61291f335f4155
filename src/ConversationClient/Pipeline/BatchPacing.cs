using ConversationClient.Http;
using ConversationClient.Internal;
using Polly;

namespace ConversationClient.Pipeline;

/// <summary>
/// The batch's pace, in the pipeline of a batch's calls (<see cref="ConversationPipeline.CreatePaced"/>, for calls whose
/// <see cref="CallState.Pacer"/> is set): every attempt starts when the batch's pacer lets it, tells the pacer how the
/// service answered, and a refusal (429 that is not a used-up quota) is tried again at the pace without using up one of
/// the call's retries. Once the batch has given up, an attempt is not sent (<see cref="BatchGaveUpException"/>).
/// </summary>
internal sealed class BatchPacing : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var call = CallState.Of(context);
        var pacer = call.Pacer!;
        while (true)
        {
            double? startedAt;
            try
            {
                startedAt = await pacer.WaitToStartAsync(context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                return Outcome.FromException<HttpResponseMessage>(ex);
            }

            if (startedAt is not { } start)
            {
                return Outcome.FromException<HttpResponseMessage>(new BatchGaveUpException(pacer.RefusingFor));
            }

            var outcome = await callback(context, state).ConfigureAwait(false);

            // Only an answer is judged: an attempt that got none (a timeout, a reset) is neither a refusal nor a pass.
            if (outcome.Result is not { } answer || call.Verdict is not { } verdict)
            {
                return outcome;
            }

            call.LastRefused = verdict.Kind == VerdictKind.Refused;
            if (call.LastRefused)
            {
                pacer.Refused(start, verdict.ServerDelay);
                answer.Dispose();
                continue;
            }

            pacer.Passed(start);
            if (verdict.ServerDelay is { } pause)
            {
                // An answer that got through but asks the service's wait (a 503 with Retry-After): the batch pauses.
                pacer.Pause(pause);
            }

            return outcome;
        }
    }
}
