using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Bad arguments fail fast with an <see cref="ArgumentException"/> naming the parameter, and nothing is sent.</summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class ArgumentTests(ConversationApiDialect dialect)
{
    private static IEnumerable<string?> BadIds() => [null, "", " ", "\t", ".", "..", "a\nb", "a\rb", "a\0b", "\u007f"];

    [TestCaseSource(nameof(BadIds))]
    public void DeleteAsync_BadConversationId_ThrowsArgumentExceptionAndSendsNothing(string? id)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync(Is.InstanceOf<ArgumentException>(), async () => await client.DeleteAsync(id!, TestClients.UserFor(dialect)));

        Assert.That(((ArgumentException)ex!).ParamName, Is.EqualTo("conversationId"));
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("user\r\nX-Injected: 1")]
    [TestCase("user\n")]
    public void DeleteAsync_BadUser_ThrowsArgumentExceptionAndSendsNothing(string user)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync(Is.InstanceOf<ArgumentException>(), async () => await client.DeleteAsync("conv_1", user));

        Assert.That(((ArgumentException)ex!).ParamName, Is.EqualTo("user"));
        Assert.That(ex!.Message, Does.Not.Contain("X-Injected"), "the value is not echoed");
        Assert.That(handler.Requests, Is.Empty);
    }
}

public sealed class DialectArgumentTests
{
    [Test]
    public void DeleteAsync_DifyWithoutUser_ThrowsArgumentNullException()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var ex = Assert.ThrowsAsync<ArgumentNullException>(async () => await client.DeleteAsync("conv_1"));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public void DeleteAsync_OpenAINonAsciiUser_ThrowsBecauseHeadersAreAscii()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ArgumentException>(async () => await client.DeleteAsync("conv_1", "jörg"));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task DeleteAsync_DifyNonAsciiUser_IsSentInTheBody()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("conv_1", "jörg");

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(handler.Single.Body, Is.EqualTo("""{"user":"j\u00F6rg"}""").Or.EqualTo("""{"user":"jörg"}"""));
    }
}
