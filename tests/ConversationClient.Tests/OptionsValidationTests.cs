using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Options are checked once, with messages that name each setting that is missing or wrong and never echo secrets.</summary>
public sealed class OptionsValidationTests
{
    private static ArgumentException CreateFails(Action<ConversationClientOptions> configure, ConversationApiDialect dialect = ConversationApiDialect.OpenAI)
    {
        var options = TestClients.Options(dialect, configure);
        return Assert.Throws<ArgumentException>(() => ConversationClientFactory.Create(options))!;
    }

    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new ConversationClientOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Dialect, Is.EqualTo(ConversationApiDialect.OpenAI));
            Assert.That(options.UserIsolationHeaderName, Is.EqualTo("x-ms-user-isolation-key"));
            Assert.That(options.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(options.Retry.MaxRetries, Is.EqualTo(3));
            Assert.That(options.Retry.BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(0.8)));
            Assert.That(options.Retry.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(30)));
        }
    }

    [Test]
    public void Create_NullOptions_ThrowsArgumentNullException() =>
        Assert.That(() => ConversationClientFactory.Create(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));

    [Test]
    public void Create_MissingBaseAddress_NamesIt() =>
        Assert.That(CreateFails(o => o.BaseAddress = null).Message, Does.Contain("BaseAddress is required"));

    [TestCase("/v1", UriKind.Relative)]
    [TestCase("ftp://example.com/v1", UriKind.Absolute)]
    [TestCase("file:///tmp/x", UriKind.Absolute)]
    public void Create_BaseAddressNotAbsoluteHttp_NamesIt(string address, UriKind kind) =>
        Assert.That(CreateFails(o => o.BaseAddress = new Uri(address, kind)).Message, Does.Contain("BaseAddress must be an absolute http or https address"));

    [Test]
    public void Create_BaseAddressWithQuery_NamesIt() =>
        Assert.That(CreateFails(o => o.BaseAddress = new Uri("https://x.example/v1?api-version=1")).Message, Does.Contain("BaseAddress cannot have a query"));

    [Test]
    public void Create_NoCredential_NamesBothWays() =>
        Assert.That(CreateFails(o => o.ApiKey = null).Message, Does.Contain("No credential").And.Contain("ApiKey").And.Contain("AccessTokenProvider"));

    [Test]
    public void Create_BothCredentials_IsRejected() =>
        Assert.That(CreateFails(o => o.AccessTokenProvider = _ => ValueTask.FromResult("t")).Message, Does.Contain("not both"));

    [Test]
    public void Create_ApiKeyWithLineBreak_IsRejectedWithoutEchoingIt()
    {
        var message = CreateFails(o => o.ApiKey = "sk-secret\r\nX: y").Message;

        Assert.That(message, Does.Contain("ApiKey contains characters"));
        Assert.That(message, Does.Not.Contain("sk-secret"));
    }

    [Test]
    public void Create_ApiKeyHeaderNameInvalid_NamesIt() =>
        Assert.That(CreateFails(o => o.ApiKeyHeaderName = "api key").Message, Does.Contain("ApiKeyHeaderName is not a valid HTTP header name"));

    [Test]
    public void Create_ApiKeyHeaderNameWithTokenProvider_IsRejected() =>
        Assert.That(CreateFails(o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult("t");
            o.ApiKeyHeaderName = "api-key";
        }).Message, Does.Contain("ApiKeyHeaderName applies to ApiKey only"));

    [TestCase("")]
    [TestCase("bad header")]
    public void Create_UserIsolationHeaderNameInvalid_NamesIt(string name) =>
        Assert.That(CreateFails(o => o.UserIsolationHeaderName = name).Message, Does.Contain("UserIsolationHeaderName must be a valid HTTP header name"));

    [Test]
    public void Create_OrganizationOrProjectOnDify_IsRejected()
    {
        var message = CreateFails(o =>
        {
            o.OrganizationId = "org";
            o.ProjectId = "proj";
        }, ConversationApiDialect.Dify).Message;

        Assert.That(message, Does.Contain("OrganizationId applies to the OpenAI dialect only").And.Contain("ProjectId applies to the OpenAI dialect only"));
    }

    [Test]
    public void Create_UnknownDialect_IsRejected() =>
        Assert.That(CreateFails(o => o.Dialect = (ConversationApiDialect)7).Message, Does.Contain("Dialect must be OpenAI or Dify"));

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(-1000)]
    public void Create_AttemptTimeoutOutOfRange_NamesIt(int milliseconds) =>
        Assert.That(CreateFails(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(milliseconds)).Message, Does.Contain("AttemptTimeout must be from 10 milliseconds to 1 day"));

    [Test]
    public void Create_TotalTimeoutOutOfRange_NamesIt() =>
        Assert.That(CreateFails(o => o.TotalTimeout = TimeSpan.FromDays(2)).Message, Does.Contain("TotalTimeout must be from 10 milliseconds to 1 day"));

    [TestCase(-1)]
    [TestCase(101)]
    public void Create_MaxRetriesOutOfRange_NamesIt(int retries) =>
        Assert.That(CreateFails(o => o.Retry.MaxRetries = retries).Message, Does.Contain("Retry.MaxRetries must be from 0 to 100"));

    [Test]
    public void Create_NegativeBaseDelay_NamesIt() =>
        Assert.That(CreateFails(o => o.Retry.BaseDelay = TimeSpan.FromSeconds(-1)).Message, Does.Contain("Retry.BaseDelay must be from zero to 1 day"));

    [Test]
    public void Create_MaxDelayBelowBaseDelay_NamesIt() =>
        Assert.That(CreateFails(o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(5);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        }).Message, Does.Contain("Retry.MaxDelay cannot be shorter than Retry.BaseDelay"));

    [Test]
    public void Create_SeveralProblems_ListsThemAll()
    {
        var message = CreateFails(o =>
        {
            o.BaseAddress = null;
            o.ApiKey = null;
        }).Message;

        Assert.That(message, Does.Contain("BaseAddress is required").And.Contain("No credential"));
    }

    [Test]
    public async Task Create_OptionsChangedAfterwards_DoNotAffectTheClient()
    {
        var handler = new ScriptedHandler().Then(System.Net.HttpStatusCode.NoContent);
        var options = TestClients.Options(ConversationApiDialect.OpenAI);
        var client = ConversationClientFactory.Create(options, handler, TimeProvider.System);

        options.BaseAddress = new Uri("https://elsewhere.example/v1");
        options.ApiKey = "changed";
        await client.DeleteAsync("conv_1");

        Assert.That(handler.Single.Uri.Host, Is.EqualTo("example.openai.azure.com"));
        Assert.That(handler.Single.Header("Authorization"), Is.EqualTo($"Bearer {TestClients.ApiKey}"));
    }
}
