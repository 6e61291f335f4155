using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ConversationClient.Internal;

/// <summary>
/// Runs the deletes of a batch: reads ids lazily, skips repeats (and what the caller's skip test declines), runs as
/// many deletes at once as the <see cref="BatchThrottle"/> allows, each attempt at the <see cref="BatchPacer"/>'s pace,
/// and streams each result as it completes. Memory is bounded by the concurrency, not the number of ids (beyond a
/// fingerprint per distinct id). Once the pacer has given up (the service refused everything for the total timeout),
/// the ids left are reported <c>rate_limited</c> without being sent. The stop token ends the batch gently: no delete
/// starts after it, and those in flight finish and are reported. Cancellation ends it at once: each delete in flight
/// is reported <see cref="ConversationApiError.OutcomeUnknownCode"/>, then the enumeration throws.
/// </summary>
internal static class BulkDeleter
{
    public static async IAsyncEnumerable<DeleteConversationResult> RunAsync(IBatchOperations operations,
        IAsyncEnumerable<string> conversationIds, string? user, BatchSettings batch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A result waits here until it is consumed; a full channel holds deletes' slots, so reading no further stops the batch.
        var results = Channel.CreateBounded<DeleteConversationResult>(new BoundedChannelOptions(batch.MaxConcurrency + 1) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, batch.StopToken);
        using var consumerGone = new CancellationTokenSource();
        var run = new Run(operations, user, batch, results.Writer, stop, stopStarting.Token, consumerGone.Token);
        var producer = run.ProduceAsync(conversationIds);
        try
        {
            while (await results.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (results.Reader.TryRead(out var result))
                {
                    yield return result;
                }
            }
        }
        finally
        {
            // Also when the caller stops enumerating early: stop the producer and what is in flight.
            await consumerGone.CancelAsync().ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }

        run.ThrowIfFailed(cancellationToken);
    }

    /// <summary>
    /// Ids from a synchronous sequence, read one at a time as the batch asks. No cancellation of its own: the batch
    /// checks its stop and its token before it takes each id.
    /// </summary>
    public static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private sealed class Run(IBatchOperations operations, string? user, BatchSettings batch, ChannelWriter<DeleteConversationResult> writer,
        CancellationTokenSource stop, CancellationToken stopStarting, CancellationToken consumerGone)
    {
        private readonly IdFingerprints _seen = new();
        private Exception? _failure;

        public async Task ProduceAsync(IAsyncEnumerable<string> conversationIds)
        {
            // Reading ids and taking slots end on a stop too; the deletes themselves only on cancellation.
            var token = stopStarting;
            try
            {
                await foreach (var id in conversationIds.WithCancellation(token).ConfigureAwait(false))
                {
                    if (Stopping)
                    {
                        break;
                    }

                    if (id is null)
                    {
                        throw new ArgumentNullException(nameof(conversationIds), "The conversation ids contain a null.");
                    }

                    if (!_seen.Add(id) || batch.ShouldSkip?.Invoke(id) == true)
                    {
                        continue;
                    }

                    if (Guard.ConversationIdProblem(id) is { } problem)
                    {
                        await writer.WriteAsync(Invalid(id, problem), consumerGone).ConfigureAwait(false);
                        continue;
                    }

                    if (batch.Pacer.HasGivenUp)
                    {
                        await writer.WriteAsync(ResultMapper.NotSent(id, batch.Pacer), consumerGone).ConfigureAwait(false);
                        continue;
                    }

                    await batch.Throttle.EnterAsync(token).ConfigureAwait(false);
                    if (Stopping)
                    {
                        // The slot came free as the batch was stopping (a cancelled delete gives its slot back before
                        // the linked token hears of the cancellation): nothing starts after a stop.
                        batch.Throttle.Exit();
                        break;
                    }

                    _ = DeleteOneAsync(id, stop.Token);
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                await batch.Throttle.WhenIdleAsync().ConfigureAwait(false);
                writer.TryComplete();
            }
        }

        /// <summary>
        /// Whether to start nothing more. Asked of the sources themselves: a linked token is cancelled by a callback,
        /// which can run after a delete that the cancellation ended has given its slot back.
        /// </summary>
        private bool Stopping => stop.IsCancellationRequested || batch.StopToken.IsCancellationRequested;

        public void ThrowIfFailed(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
            }
        }

        private async Task DeleteOneAsync(string id, CancellationToken token)
        {
            try
            {
                DeleteConversationResult result;
                try
                {
                    result = await operations.DeleteAsync(id, user, batch.Pacer, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Cancelled while in flight: the request may have reached the service. Said so, never left out.
                    result = OutcomeUnknown(id);
                }

                // A finished delete is reported even when the batch is stopping, as long as someone still reads.
                await writer.WriteAsync(result, consumerGone).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                batch.Throttle.Exit();
            }
        }

        private void Fail(Exception exception)
        {
            // A cancellation that the batch itself asked for (the caller's token, the stop token, an earlier failure,
            // the consumer leaving) is not a failure of its own; any other exception, an id source's cancellation
            // included, is.
            if (exception is OperationCanceledException && (stopStarting.IsCancellationRequested || consumerGone.IsCancellationRequested))
            {
                return;
            }

            Interlocked.CompareExchange(ref _failure, exception, null);
            stop.Cancel();
        }

        private static DeleteConversationResult OutcomeUnknown(string id) => new()
        {
            ConversationId = id,
            Outcome = DeleteConversationOutcome.Failed,
            Error = new ConversationApiError
            {
                Code = ConversationApiError.OutcomeUnknownCode,
                Message = "The batch was cancelled while this delete was in flight: whether the service deleted the conversation is unknown.",
            },
        };

        private static DeleteConversationResult Invalid(string id, string problem) => new()
        {
            ConversationId = id,
            Outcome = DeleteConversationOutcome.Failed,
            Error = new ConversationApiError { Code = ConversationApiError.InvalidIdCode, Message = problem },
        };
    }
}
