using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Failures of <see cref="ConversationClientOptions.AccessTokenProvider"/>: each is a <c>credential_unavailable</c> result, never retried, never thrown.</summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class AccessTokenProviderTests(ConversationApiDialect dialect)
{
    private string? User => TestClients.UserFor(dialect);

    private (IConversationClient Client, ScriptedHandler Handler, Func<int> Calls) Create(Func<CancellationToken, ValueTask<string>> provider,
        Action<ConversationClientOptions>? configure = null)
    {
        var calls = 0;
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = ct =>
            {
                Interlocked.Increment(ref calls);
                return provider(ct);
            };
            configure?.Invoke(o);
        });
        return (client, handler, () => Volatile.Read(ref calls));
    }

    private static void AssertCredentialUnavailable(DeleteConversationResult result)
    {
        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(result.StatusCode, Is.Null);
    }

    [Test]
    public async Task DeleteAsync_ProviderThrowsItsOwnTaskCanceledException_IsCredentialUnavailableNotTimeout()
    {
        var (client, handler, calls) = Create(_ => throw new TaskCanceledException("the identity endpoint timed out"));

        var result = await client.DeleteAsync("conv_1", User);

        AssertCredentialUnavailable(result);
        Assert.That(calls(), Is.EqualTo(1));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task DeleteAsync_ProviderStoppedByTheAttemptTimeout_IsStillATimeout()
    {
        var (client, handler, _) = Create(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        }, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(50);
            o.TotalTimeout = TimeSpan.FromMilliseconds(50);
        });

        var result = await client.DeleteAsync("conv_1", User);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.TimeoutCode));
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase("token\r\nX-Injected: 1")]
    [TestCase("token\n")]
    [TestCase("tökén")]
    [TestCase("to ken\u0001")]
    [TestCase("")]
    public async Task DeleteAsync_TokenThatCannotBeAHeaderValue_IsCredentialUnavailableNotRetriedNotThrown(string token)
    {
        var (client, handler, calls) = Create(_ => ValueTask.FromResult(token));

        var result = await client.DeleteAsync("conv_1", User);

        AssertCredentialUnavailable(result);
        Assert.That(result.Error!.Message, Does.Not.Contain("token\r").And.Not.Contain("tökén"), "the token is never reported");
        Assert.That(calls(), Is.EqualTo(1), "not retried");
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task DeleteManyAsync_TokenWithLineBreak_GivesOneResultPerIdAndDoesNotAbort()
    {
        var (client, handler, _) = Create(_ => ValueTask.FromResult("bad\r\ntoken"));

        var results = await client.DeleteManyAsync(["a", "b", "c"], User).ToListAsync();

        Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(new[] { "a", "b", "c" }));
        Assert.That(results.Select(r => r.Error?.Code), Is.All.EqualTo(ConversationApiError.CredentialUnavailableCode));
        Assert.That(handler.Requests, Is.Empty);
    }
}
