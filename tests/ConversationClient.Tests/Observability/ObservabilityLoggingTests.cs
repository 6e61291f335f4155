using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using D = ConversationClient.Internal.TelemetryNames;

namespace ConversationClient.Tests.Observability;

public sealed class ObservabilityLoggingTests
{
    [Test]
    public async Task DeletedCall_LogsStartedAtDebugAndFinishedAtInformation()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted, r => ObservabilityScenario.WithRequestId(r, "req-log-1"));
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        var entries = scenario.Logs.For("ConversationClient").ToList();
        Assert.That(entries.Select(e => (e.EventId.Id, e.Level)), Is.EqualTo(new[]
        {
            (D.DeleteStartedEventId, LogLevel.Debug),
            (D.DeleteFinishedEventId, LogLevel.Information),
        }));
        var finished = entries[1];
        Assert.Multiple(() =>
        {
            Assert.That(entries[0].EventId.Name, Is.EqualTo("DeleteStarted"));
            Assert.That(entries[0]["ConversationId"], Is.EqualTo(conversationId));
            Assert.That(finished.EventId.Name, Is.EqualTo("DeleteFinished"));
            Assert.That(finished["ConversationId"], Is.EqualTo(conversationId));
            Assert.That(finished["Dialect"], Is.EqualTo("openai"));
            Assert.That(finished["ServerAddress"], Is.EqualTo(scenario.Host));
            Assert.That(finished["Outcome"], Is.EqualTo("Deleted"));
            Assert.That(finished["StatusCode"], Is.EqualTo("200"));
            Assert.That(finished["Attempts"], Is.EqualTo("1"));
            Assert.That(finished["RequestId"], Is.EqualTo("req-log-1"));
            Assert.That(finished["ClientRequestId"], Is.Not.Null.And.Not.Empty);
            Assert.That(double.Parse(finished["DurationMs"]!, CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(finished.Message, Does.Contain(conversationId).And.Contain("Deleted").And.Contain("req-log-1"));
        });
    }

    [Test]
    public async Task NotFound_IsLoggedAtInformationNotWarning()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.NotFound, ObservabilityScenario.DifyNotFound);

        await scenario.CreateClient(ConversationApiDialect.Dify).DeleteAsync(ObservabilityScenario.NewConversationId(), "end-user");

        var finished = scenario.Logs.For("ConversationClient").Last();
        Assert.That((finished.EventId.Id, finished.Level), Is.EqualTo((D.DeleteFinishedEventId, LogLevel.Information)));
        Assert.That(finished["Outcome"], Is.EqualTo("NotFound"));
        Assert.That(finished["Dialect"], Is.EqualTo("dify"));
    }

    [Test]
    public async Task RetriedCall_LogsEachRetryAtInformationWithReasonAndDelay()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.TooManyRequests, configure: r => ObservabilityScenario.WithRetryAfterMs(r, 3));
        scenario.Handler.Throw(new HttpRequestException("reset"));
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        var retries = scenario.Logs.For("ConversationClient").Where(e => e.EventId.Id == D.RetryEventId).ToList();
        Assert.That(retries, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(retries.Select(e => e.Level), Is.All.EqualTo(LogLevel.Information));
            Assert.That(retries.Select(e => e.EventId.Name), Is.All.EqualTo("Retry"));
            Assert.That(retries.Select(e => e["ConversationId"]), Is.All.EqualTo(conversationId));
            Assert.That(retries.Select(e => e["Attempt"]), Is.EqualTo(new[] { "1", "2", "3" }));
            Assert.That(retries.Select(e => e["RetryReason"]), Is.EqualTo(new[] { "503", "429", "HttpRequestException" }));
            // Backoff without jitter: 2 ms, then the server's 3 ms, then 2 ms * 2^2.
            Assert.That(retries.Select(e => double.Parse(e["DelayMs"]!, CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 2.0, 3.0, 8.0 }).Within(0.001));
            Assert.That(retries.Select(e => e["DelayFromServer"]), Is.EqualTo(new[] { "False", "True", "False" }));
            Assert.That(retries[1].Message, Does.Contain("attempt 2 failed with 429").And.Contain("3 ms"));
            Assert.That(scenario.Logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "retries are not warnings");
        });
        var finished = scenario.Logs.For("ConversationClient").Last();
        Assert.That(finished["Attempts"], Is.EqualTo("4"));
    }

    [Test]
    public async Task FailedCall_LogsOneWarningWithErrorCodeAndTheException()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Handler.Throw(new HttpRequestException("refused")).Throw(new HttpRequestException("refused"));
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.Retry.MaxRetries = 1).DeleteAsync(conversationId);

        var entries = scenario.Logs.For("ConversationClient").ToList();
        Assert.That(entries.Select(e => (e.EventId.Id, e.Level)), Is.EqualTo(new[]
        {
            (D.DeleteStartedEventId, LogLevel.Debug),
            (D.RetryEventId, LogLevel.Information),
            (D.DeleteFailedEventId, LogLevel.Warning),
        }));
        var failed = entries[2];
        Assert.Multiple(() =>
        {
            Assert.That(failed.EventId.Name, Is.EqualTo("DeleteFailed"));
            Assert.That(failed["ErrorCode"], Is.EqualTo("connection_failed"));
            Assert.That(failed["StatusCode"], Is.Null);
            Assert.That(failed["Attempts"], Is.EqualTo("2"));
            Assert.That(failed.Exception, Does.Contain("HttpRequestException"));
        });
    }

    [Test]
    public async Task ErrorResponse_LogsWarningWithStatusAndRequestId()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.BadRequest, ObservabilityScenario.OpenAIBadRequest, r => ObservabilityScenario.WithRequestId(r, "req-bad-9"));

        await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(ObservabilityScenario.NewConversationId());

        var failed = scenario.Logs.For("ConversationClient").Single(e => e.Level == LogLevel.Warning);
        Assert.Multiple(() =>
        {
            Assert.That(failed.EventId.Id, Is.EqualTo(D.DeleteFailedEventId));
            Assert.That(failed["StatusCode"], Is.EqualTo("400"));
            Assert.That(failed["ErrorCode"], Is.EqualTo("invalid_value"));
            Assert.That(failed["RequestId"], Is.EqualTo("req-bad-9"));
            Assert.That(failed.Exception, Is.Null);
        });
    }

    [Test]
    public async Task User_IsNotLoggedByDefault()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.DifyDeleted);
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.Dify).DeleteAsync(conversationId, ObservabilityScenario.User);

        Assert.That(scenario.Handler.SentBodies.Single(), Does.Contain(ObservabilityScenario.User), "the user was sent");
        Assert.That(scenario.Logs.AllText(), Does.Contain(conversationId).And.Not.Contain(ObservabilityScenario.User));
        Assert.That(scenario.Logs.Entries.SelectMany(e => e.State.Keys), Has.None.EqualTo("User"));
        Assert.That(scenario.Activities.Single(conversationId).GetTagItem(D.UserTag), Is.Null);
    }

    [Test]
    public async Task LogUserId_LogsTheUserAndTagsTheActivity()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, ObservabilityScenario.DifyDeleted);
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.Dify, o => o.LogUserId = true).DeleteAsync(conversationId, "user-shown-42");

        var entries = scenario.Logs.For("ConversationClient").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(entries.Single(e => e.EventId.Id == D.DeleteStartedEventId)["User"], Is.EqualTo("user-shown-42"));
            Assert.That(entries.Single(e => e.EventId.Id == D.DeleteFinishedEventId)["User"], Is.EqualTo("user-shown-42"));
            Assert.That(entries.Single(e => e.EventId.Id == D.DeleteFinishedEventId).Message, Does.Contain("user-shown-42"));
            Assert.That(scenario.Activities.Single(conversationId).GetTagItem(D.UserTag), Is.EqualTo("user-shown-42"));
            Assert.That(scenario.Metrics.AllText(), Does.Not.Contain("user-shown-42"), "never a metric tag");
        });
    }

    [Test]
    public async Task LogUserId_OnAFailure_LogsTheUserInTheWarning()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.Forbidden);

        await scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.LogUserId = true)
            .DeleteAsync(ObservabilityScenario.NewConversationId(), "user-shown-43");

        var failed = scenario.Logs.For("ConversationClient").Single(e => e.Level == LogLevel.Warning);
        Assert.That(failed["User"], Is.EqualTo("user-shown-43"));
        Assert.That(failed["StatusCode"], Is.EqualTo("403"));
    }

    [Test]
    public async Task PublicFactoryOverload_LogsToTheGivenLoggerFactory()
    {
        var capture = new ObservabilityLogCapture();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var client = ConversationClientFactory.Create(new ConversationClientOptions
        {
            // Nothing listens on port 1: the connection is refused at once.
            BaseAddress = new Uri("http://127.0.0.1:1/v1"),
            ApiKey = ObservabilityScenario.ApiKey,
            Retry = { MaxRetries = 0 },
        }, loggerFactory);
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await client.DeleteAsync(conversationId);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        var failed = capture.For("ConversationClient").Single(e => e.EventId.Id == D.DeleteFailedEventId);
        Assert.That(failed["ConversationId"], Is.EqualTo(conversationId));
        Assert.That(failed["ServerAddress"], Is.EqualTo("127.0.0.1"));
        Assert.That(capture.AllText(), Does.Not.Contain(ObservabilityScenario.ApiKey));
    }

    [Test]
    public void NoLoggerFactory_CreatesAWorkingClient()
    {
        using var handler = new ObservabilityTestHandler();
        handler.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        var client = ConversationClientFactory.Create(new ConversationClientOptions
        {
            BaseAddress = new Uri("https://nolog.example.test/v1"),
            ApiKey = ObservabilityScenario.ApiKey,
        }, handler, TimeProvider.System);

        Assert.That(async () => (await client.DeleteAsync("conv_nolog")).Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
    }

    [TestCase("true", true)]
    [TestCase("false", false)]
    public async Task LogUserId_IsReadFromConfiguration(string value, bool logged)
    {
        var capture = new ObservabilityLogCapture();
        using var handler = new ObservabilityTestHandler();
        handler.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BaseAddress"] = "https://config.example.test/v1",
            ["ApiKey"] = ObservabilityScenario.ApiKey,
            ["LogUserId"] = value,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        services.AddConversationClient(configuration).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IConversationClient>().DeleteAsync("conv_config", "user-config-7");

        var finished = capture.For(D.LoggerCategory).Single(e => e.EventId.Id == D.DeleteFinishedEventId);
        Assert.That(finished["User"], logged ? Is.EqualTo("user-config-7") : Is.Null);
        Assert.That(capture.AllText().Contains("user-config-7", StringComparison.Ordinal), Is.EqualTo(logged));
    }
}
