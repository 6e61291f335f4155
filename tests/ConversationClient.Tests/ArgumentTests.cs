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

    // Built in code: an unpaired surrogate does not survive an attribute argument.
    private static IEnumerable<string> BadUsers() => ["", "   ", "\t", "user" + '\ud800', '\udc00' + "user"];

    [TestCaseSource(nameof(BadUsers))]
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
    [TestCase("user\r\nX-Injected: 1")]
    [TestCase("user\n")]
    [TestCase("o\"hara\\\t")]
    public void DeleteAsync_OpenAIUserWithControlCharacters_ThrowsBecauseItIsAHeaderAndSendsNothing(string user)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var ex = Assert.ThrowsAsync<ArgumentException>(async () => await client.DeleteAsync("conv_1", user));

        Assert.That(ex!.ParamName, Is.EqualTo("user"));
        Assert.That(ex.Message, Does.Contain("header").And.Not.Contain("X-Injected"), "the value is not echoed");
        Assert.That(handler.Requests, Is.Empty);
    }

    // Dify's user is a JSON string: a quote, a backslash, non-ASCII and a tab are all valid, and arrive exactly.
    [TestCase("user\r\nX-Injected: 1")]
    [TestCase("\u0000\u001f\u007f")]
    [TestCase("\ud83d\ude00 emoji")]
    public async Task DeleteAsync_DifyUserAnyJsonString_IsSentExactlyInTheBody(string user)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("conv_1", user);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        using var body = System.Text.Json.JsonDocument.Parse(handler.Single.Body!);
        Assert.That(body.RootElement.GetProperty("user").GetString(), Is.EqualTo(user));
    }

    [Test]
    public async Task DeleteAsync_DifyUserWithQuoteBackslashUmlautAndTab_DeletesWithTheExactStringInTheBody()
    {
        const string user = "o\"hara\\\u00fc\t";
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        var result = await client.DeleteAsync("d1f70000-0000-4000-8000-000000000001", user);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        using var body = System.Text.Json.JsonDocument.Parse(handler.Single.Body!);
        Assert.That(body.RootElement.GetProperty("user").GetString(), Is.EqualTo("o\"hara\\ü\t"));
        Assert.That(body.RootElement.EnumerateObject().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ListAsync_DifyUserAnyJsonString_IsSentExactlyInTheQuery()
    {
        const string user = "o\"hara\\\u00fc\t&x=1";
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"limit":20,"has_more":false,"data":[]}""");
        var client = TestClients.Create(ConversationApiDialect.Dify, handler);

        await foreach (var _ in client.ListAsync(user))
        {
        }

        var query = System.Web.HttpUtility.ParseQueryString(handler.Single.Uri.Query);
        Assert.That(query["user"], Is.EqualTo(user));
    }

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
