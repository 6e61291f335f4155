using System.Net;
using System.Text;
using ConversationClient.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace ConversationClient.Tests.Observability;

/// <summary>
/// The API key, the bearer token and the user id go over the wire, and must appear nowhere else: not in any log
/// message, log state, scope or exception, activity tag or event, metric tag, result or exception message.
/// </summary>
public sealed class ObservabilityRedactionTests
{
    private static readonly string[] Secrets = [ObservabilityScenario.ApiKey, ObservabilityScenario.Token, ObservabilityScenario.User];

    [Test]
    public async Task FactoryClients_NothingCapturedContainsTheKeyTheTokenOrTheUser()
    {
        using var scenario = new ObservabilityScenario();
        var results = new List<DeleteConversationResult>();
        var conversationIds = new List<string>();

        async Task Delete(IConversationClient client)
        {
            var conversationId = ObservabilityScenario.NewConversationId();
            conversationIds.Add(conversationId);
            results.Add(await client.DeleteAsync(conversationId, ObservabilityScenario.User));
        }

        // OpenAI with a bearer key and the user in the isolation header: a retry, then a failure.
        scenario.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        await Delete(scenario.CreateClient(ConversationApiDialect.OpenAI));
        scenario.Respond(HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""");
        await Delete(scenario.CreateClient(ConversationApiDialect.OpenAI));

        // Azure key header.
        scenario.Respond(HttpStatusCode.NotFound, ObservabilityScenario.OpenAINotFound);
        await Delete(scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.ApiKeyHeaderName = "api-key"));

        // A bearer token from a provider: a connection failure, then a retried 429, then success.
        var tokenClient = scenario.CreateClient(ConversationApiDialect.OpenAI, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult(ObservabilityScenario.Token);
        });
        scenario.Handler.Throw(new HttpRequestException("reset"));
        scenario.Respond(HttpStatusCode.TooManyRequests).Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        await Delete(tokenClient);

        // Dify, where the user goes in the request body: a 404 and a failure after retries.
        var dify = scenario.CreateClient(ConversationApiDialect.Dify, o => o.Retry.MaxRetries = 1);
        scenario.Respond(HttpStatusCode.NotFound, ObservabilityScenario.DifyNotFound);
        await Delete(dify);
        scenario.Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>").Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        await Delete(dify);

        // The secrets were really sent.
        var sent = string.Join("\n", scenario.Handler.SentAuthorization) + string.Join("\n", scenario.Handler.SentBodies);
        Assert.That(sent, Does.Contain(ObservabilityScenario.Token).And.Contain(ObservabilityScenario.ApiKey).And.Contain(ObservabilityScenario.User));

        var captured = new StringBuilder()
            .AppendLine(scenario.Logs.AllText())
            .AppendLine(scenario.Activities.AllText())
            .AppendLine(scenario.Metrics.AllText());
        foreach (var result in results)
        {
            captured.AppendLine(result.ToString()).AppendLine(result.Error?.ToString()).AppendLine(result.Error?.RawBody);
            if (!result.IsSuccess)
            {
                captured.AppendLine(new ConversationApiException(result).ToString());
            }
        }

        var text = captured.ToString();
        // What was captured covers every call: the search below looks at real entries.
        Assert.That(scenario.Activities.Activities, Has.Count.EqualTo(6));
        Assert.That(conversationIds, Has.All.Matches<string>(id => text.Contains(id, StringComparison.Ordinal)));
        Assert.That(scenario.Logs.Entries.Count(e => e.EventId.Id == TelemetryNames.RetryEventId), Is.EqualTo(4));
        foreach (var secret in Secrets)
        {
            Assert.That(text, Does.Not.Contain(secret), $"captured text contains {secret}");
        }
    }

    [Test]
    public async Task TokenProviderFailure_WhoseMessageHoldsTheToken_IsLoggedWithoutIt()
    {
        using var scenario = new ObservabilityScenario();
        var client = scenario.CreateClient(ConversationApiDialect.OpenAI, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => throw new InvalidOperationException($"refresh of {ObservabilityScenario.Token} failed");
        });

        var result = await client.DeleteAsync(ObservabilityScenario.NewConversationId(), ObservabilityScenario.User);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
        var failed = scenario.Logs.Entries.Single(e => e.EventId.Id == TelemetryNames.DeleteFailedEventId);
        Assert.That(failed.Message, Does.Contain(ConversationApiError.CredentialUnavailableCode));
        Assert.That(scenario.Logs.AllText(), Does.Not.Contain(ObservabilityScenario.Token));
    }

    [Test]
    public async Task TransportFailure_QuotingALineThatEchoesTheSecrets_IsLoggedAndReportedWithoutThem()
    {
        // SocketsHttpHandler quotes a malformed status or header line in its exception's message; a server can echo
        // what it was sent into one.
        using var scenario = new ObservabilityScenario();
        var keyClient = scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.Retry.MaxRetries = 0);
        var tokenClient = scenario.CreateClient(ConversationApiDialect.OpenAI, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult(ObservabilityScenario.Token);
            o.Retry.MaxRetries = 0;
        });
        scenario.Handler.Throw(new HttpRequestException(HttpRequestError.InvalidResponse,
            $"Received an invalid header line: 'Echo Bearer {ObservabilityScenario.ApiKey} for {ObservabilityScenario.User}'."));
        scenario.Handler.Throw(new HttpRequestException("An error occurred while sending the request.",
            new HttpIOException(HttpRequestError.InvalidResponse, $"Received an invalid status line: 'HTTP/1.1 2000 {ObservabilityScenario.Token}'.")));

        var results = new[]
        {
            await keyClient.DeleteAsync(ObservabilityScenario.NewConversationId(), ObservabilityScenario.User),
            await tokenClient.DeleteAsync(ObservabilityScenario.NewConversationId(), ObservabilityScenario.User),
        };

        var text = new StringBuilder(scenario.Logs.AllText());
        foreach (var result in results)
        {
            text.AppendLine(result.ToString()).AppendLine(new ConversationApiException(result).ToString());
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Error?.Code), Is.All.EqualTo(ConversationApiError.ConnectionFailedCode));
            Assert.That(results[0].Error?.Message, Does.Contain("Received an invalid header line: 'Echo Bearer [redacted] for [redacted]'"),
                "the server's line is kept, its secrets cut out");
            Assert.That(scenario.Logs.Entries.Count(e => e.EventId.Id == TelemetryNames.DeleteFailedEventId && e.Exception is not null), Is.EqualTo(2),
                "the failures were logged with their exceptions");
            foreach (var secret in Secrets)
            {
                Assert.That(text.ToString(), Does.Not.Contain(secret), $"captured text contains {secret}");
            }
        }
    }

    [Test]
    public async Task DiClients_AtTraceLevel_NothingCapturedContainsTheKeyTheTokenOrTheUser()
    {
        var capture = new ObservabilityLogCapture();
        using var handler = new ObservabilityTestHandler();
        handler.Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted)
            .Respond(HttpStatusCode.InternalServerError)
            .Respond(HttpStatusCode.NotFound, ObservabilityScenario.DifyNotFound);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        services.AddConversationClient(o =>
        {
            o.BaseAddress = new Uri("https://di-openai.example.test/v1");
            o.ApiKey = ObservabilityScenario.ApiKey;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddConversationClient("dify", o =>
        {
            o.Dialect = ConversationApiDialect.Dify;
            o.BaseAddress = new Uri("https://di-dify.example.test/v1");
            o.AccessTokenProvider = _ => ValueTask.FromResult(ObservabilityScenario.Token);
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var openAIResult = await provider.GetRequiredService<IConversationClient>().DeleteAsync("conv_di_openai", ObservabilityScenario.User);
        var difyResult = await provider.GetRequiredKeyedService<IConversationClient>("dify").DeleteAsync("conv_di_dify", ObservabilityScenario.User);

        Assert.That(openAIResult.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(difyResult.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
        Assert.That(string.Join("\n", handler.SentAuthorization), Does.Contain(ObservabilityScenario.ApiKey).And.Contain(ObservabilityScenario.Token));
        // The clients' own entries arrived (so the provider is wired), IHttpClientFactory's did not.
        Assert.That(capture.For(ConversationClientDiagnostics.LoggerCategory).Select(e => e.EventId.Id), Has.Member(TelemetryNames.RetryEventId)
            .And.Member(TelemetryNames.DeleteFinishedEventId));
        Assert.That(capture.Entries.Select(e => e.Category), Has.None.StartsWith("System.Net.Http"));
        var text = capture.AllText();
        Assert.That(text, Does.Contain("conv_di_openai").And.Contain("conv_di_dify"));
        foreach (var secret in Secrets)
        {
            Assert.That(text, Does.Not.Contain(secret), $"captured logs contain {secret}");
        }
    }

    /// <summary>
    /// The control for the test above: IHttpClientFactory's own logging, left on, does put header values in its
    /// Trace entries, and the capture sees them. (Newer versions redact header values by default; this turns that off
    /// the way an application might.)
    /// </summary>
    [Test]
    public async Task Control_HttpClientFactoryLogging_WhenLeftOn_ExposesHeaderValuesToTheCapture()
    {
        var capture = new ObservabilityLogCapture();
        using var handler = new ObservabilityTestHandler();
        handler.Respond(HttpStatusCode.OK);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        services.AddHttpClient("obs-control").ConfigurePrimaryHttpMessageHandler(() => handler).RedactLoggedHeaders(_ => false);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("obs-control");

        using var request = new HttpRequestMessage(HttpMethod.Delete, "https://control.example.test/v1/conversations/c1");
        request.Headers.Authorization = new("Bearer", ObservabilityScenario.ApiKey);
        using var response = await client.SendAsync(request);

        Assert.That(capture.AllText(), Does.Contain(ObservabilityScenario.ApiKey));
    }
}
