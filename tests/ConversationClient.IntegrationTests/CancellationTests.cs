using System.Diagnostics;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Cancelling a call while the server holds its answer.</summary>
public sealed class CancellationTests : IntegrationTest
{
    [Test]
    public async Task DeleteAsync_CancelledWhileTheServerDelays_ThrowsOperationCanceledPromptly()
    {
        // The stub answers after 5 s; neither the attempt timeout (5 s) nor the retries may hide the cancellation.
        var client = CreateOpenAIClient();
        using var cancellation = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var call = client.DeleteAsync("conv_hangs", cancellationToken: cancellation.Token);
        await WaitForRequestAsync();

        cancellation.Cancel();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        clock.Stop();
        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the call ended well before the 5 s answer");
            Assert.That(journal.Requests, Has.Count.EqualTo(1), "the request reached the server and was not retried" + journal.Report);
        }
    }

    /// <summary>Waits until the request is in WireMock's journal, so the cancellation comes while the server delays.</summary>
    private static async Task WaitForRequestAsync()
    {
        var deadline = Stopwatch.StartNew();
        while ((Server.GetJournal()).Requests.Count == 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(4))
            {
                Assert.Fail("The request did not reach WireMock within 4 s.");
            }

            await Task.Delay(20);
        }
    }
}
