using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>A bug-like exception inside one delete of a batch: it is not turned into a result, it ends the batch.</summary>
public sealed class BulkDeleteFailureTests
{
    [Test]
    public void DeleteManyAsync_UnexpectedExceptionFromOneDelete_FailsTheEnumerationAndStopsTheBatch()
    {
        var boom = new InvalidOperationException("a bug in a handler");
        var handler = new ScriptedHandler().ThenThrow(boom).Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var ids = Enumerable.Range(0, 20).Select(i => $"conv_{i}");

        var seen = new List<DeleteConversationResult>();
        var thrown = Assert.CatchAsync(async () =>
        {
            await foreach (var result in client.DeleteManyAsync(ids, options: new BulkDeleteOptions { MaxConcurrency = 1 }))
            {
                seen.Add(result);
            }
        });

        Assert.That(thrown, Is.SameAs(boom));
        Assert.That(seen, Is.Empty);
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "no delete starts after the failure");
    }

    [Test]
    public void DeleteManyAsync_UnexpectedExceptionAfterSomeDeletes_YieldsThoseThenThrows()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.NoContent)
            .Then(HttpStatusCode.NoContent)
            .ThenThrow(new InvalidOperationException("a bug in a handler"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);
        var ids = Enumerable.Range(0, 20).Select(i => $"conv_{i}");

        var seen = new List<DeleteConversationResult>();
        Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in client.DeleteManyAsync(ids, options: new BulkDeleteOptions { MaxConcurrency = 1 }))
            {
                seen.Add(result);
            }
        });

        Assert.That(seen.Select(r => r.Outcome), Is.EqualTo(new[] { DeleteConversationOutcome.Deleted, DeleteConversationOutcome.Deleted }));
        Assert.That(handler.Requests, Has.Count.EqualTo(3));
    }
}
