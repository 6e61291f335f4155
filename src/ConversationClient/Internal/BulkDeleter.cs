using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ConversationClient.Internal;

/// <summary>
/// Runs the deletes of a batch: reads ids lazily, skips repeats, runs as many deletes at once as the
/// <see cref="BatchThrottle"/> allows, each attempt at the <see cref="BatchPacer"/>'s pace, and streams each result as
/// it completes. Memory is bounded by the concurrency, not the number of ids (beyond a fingerprint per distinct id).
/// Once the pacer has given up (the service refused everything for the total timeout), the ids left are reported
/// <c>rate_limited</c> without being sent.
/// </summary>
internal static class BulkDeleter
{
    public static async IAsyncEnumerable<DeleteConversationResult> RunAsync(DefaultConversationClient client,
        IAsyncEnumerable<string> conversationIds, string? user, BatchThrottle throttle, BatchPacer pacer, int maxConcurrency,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A result waits here until it is consumed; a full channel holds deletes' slots, so reading no further stops the batch.
        var results = Channel.CreateBounded<DeleteConversationResult>(new BoundedChannelOptions(maxConcurrency + 1) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var consumerGone = new CancellationTokenSource();
        var run = new Run(client, user, throttle, pacer, results.Writer, stop, consumerGone.Token);
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

    /// <summary>Ids from a synchronous sequence, read one at a time as the batch asks.</summary>
    public static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> ids, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private sealed class Run(DefaultConversationClient client, string? user, BatchThrottle throttle, BatchPacer pacer,
        ChannelWriter<DeleteConversationResult> writer, CancellationTokenSource stop, CancellationToken consumerGone)
    {
        private readonly IdFingerprints _seen = new();
        private Exception? _failure;

        public async Task ProduceAsync(IAsyncEnumerable<string> conversationIds)
        {
            var token = stop.Token;
            try
            {
                await foreach (var id in conversationIds.WithCancellation(token).ConfigureAwait(false))
                {
                    token.ThrowIfCancellationRequested();
                    if (id is null)
                    {
                        throw new ArgumentNullException(nameof(conversationIds), "The conversation ids contain a null.");
                    }

                    if (!_seen.Add(id))
                    {
                        continue;
                    }

                    if (Guard.ConversationIdProblem(id) is { } problem)
                    {
                        await writer.WriteAsync(Invalid(id, problem), consumerGone).ConfigureAwait(false);
                        continue;
                    }

                    if (pacer.HasGivenUp)
                    {
                        await writer.WriteAsync(ResultMapper.NotSent(id, pacer), consumerGone).ConfigureAwait(false);
                        continue;
                    }

                    await throttle.EnterAsync(token).ConfigureAwait(false);
                    _ = DeleteOneAsync(id, token);
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                await throttle.WhenIdleAsync().ConfigureAwait(false);
                writer.TryComplete();
            }
        }

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
                var result = await client.DeleteCoreAsync(id, user, pacer, token).ConfigureAwait(false);

                // A finished delete is reported even when the batch is stopping, as long as someone still reads.
                await writer.WriteAsync(result, consumerGone).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                throttle.Exit();
            }
        }

        private void Fail(Exception exception)
        {
            // A cancellation that the batch itself asked for (the caller's token, an earlier failure, the consumer
            // leaving) is not a failure of its own; any other exception, an id source's cancellation included, is.
            if (exception is OperationCanceledException && (stop.IsCancellationRequested || consumerGone.IsCancellationRequested))
            {
                return;
            }

            Interlocked.CompareExchange(ref _failure, exception, null);
            stop.Cancel();
        }

        private static DeleteConversationResult Invalid(string id, string problem) => new()
        {
            ConversationId = id,
            Outcome = DeleteConversationOutcome.Failed,
            Error = new ConversationApiError { Code = ConversationApiError.InvalidIdCode, Message = problem },
        };
    }
}
