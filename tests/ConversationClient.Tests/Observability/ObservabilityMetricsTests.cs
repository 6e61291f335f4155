using System.Net;
using NUnit.Framework;
using D = ConversationClient.Internal.TelemetryNames;

namespace ConversationClient.Tests.Observability;

public sealed class ObservabilityMetricsTests
{
    [Test]
    public async Task Calls_AreCountedByDialectAndOutcome_WithDurationInSeconds()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted)
            .Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted)
            .Respond(HttpStatusCode.NotFound, ObservabilityScenario.OpenAINotFound)
            .Respond(HttpStatusCode.BadRequest, ObservabilityScenario.OpenAIBadRequest);
        var client = scenario.CreateClient(ConversationApiDialect.OpenAI);

        for (var i = 0; i < 4; i++)
        {
            await client.DeleteAsync(ObservabilityScenario.NewConversationId());
        }

        var calls = scenario.Metrics.Of(D.CallsInstrumentName);
        var durations = scenario.Metrics.Of(D.CallDurationInstrumentName);
        Assert.Multiple(() =>
        {
            Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "deleted"), Is.EqualTo(2));
            Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "not_found"), Is.EqualTo(1));
            Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "failed"), Is.EqualTo(1));
            Assert.That(calls.Select(m => m.Tag("conversation.dialect")), Is.All.EqualTo("openai"));
            Assert.That(calls.Select(m => m.Tags.Keys.Order()), Is.All.EqualTo(new[] { "conversation.dialect", "conversation.outcome", "gen_ai.operation.name", "gen_ai.provider.name", "server.address" }));
            Assert.That(durations.Select(m => m.Tag("conversation.outcome")), Is.EquivalentTo(new[] { "deleted", "deleted", "not_found", "failed" }));
            // Seconds, not milliseconds: a scripted call takes far less than one second.
            Assert.That(durations.Select(m => m.Value), Is.All.GreaterThan(0).And.All.LessThan(1));
            Assert.That(scenario.Metrics.Of(D.RetriesInstrumentName), Is.Empty);
        });
    }

    [Test]
    public async Task Retries_AreCountedByReason()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.TooManyRequests, configure: r => ObservabilityScenario.WithRetryAfterMs(r, 1));
        scenario.Handler.Throw(new HttpRequestException("reset"));
        scenario.Respond(HttpStatusCode.NoContent);

        var result = await scenario.CreateClient(ConversationApiDialect.Dify, o => o.Retry.MaxRetries = 5)
            .DeleteAsync(ObservabilityScenario.NewConversationId(), "end-user");

        Assert.That(result.Attempts, Is.EqualTo(5));
        Assert.Multiple(() =>
        {
            Assert.That(scenario.Metrics.Sum(D.RetriesInstrumentName, "conversation.retry.reason", "503"), Is.EqualTo(2));
            Assert.That(scenario.Metrics.Sum(D.RetriesInstrumentName, "conversation.retry.reason", "429"), Is.EqualTo(1));
            Assert.That(scenario.Metrics.Sum(D.RetriesInstrumentName, "conversation.retry.reason", "HttpRequestException"), Is.EqualTo(1));
            Assert.That(scenario.Metrics.Of(D.RetriesInstrumentName).Select(m => m.Tag("conversation.dialect")), Is.All.EqualTo("dify"));
            Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "deleted"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RetriesUsedUp_CountOnlyTheRetriesMade()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.BadGateway).Respond(HttpStatusCode.BadGateway).Respond(HttpStatusCode.BadGateway);

        var result = await scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.Retry.MaxRetries = 2)
            .DeleteAsync(ObservabilityScenario.NewConversationId());

        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(scenario.Metrics.Sum(D.RetriesInstrumentName, "conversation.retry.reason", "502"), Is.EqualTo(2));
        Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "failed"), Is.EqualTo(1));
    }

    [Test]
    public void CallDuration_AdvisesBucketsForCallsFrom5MillisecondsToAMinute()
    {
        // Without the advice, OpenTelemetry's default buckets (0 to 10 000, for milliseconds) would put every call in the
        // first one or two buckets of a histogram in seconds.
        System.Diagnostics.Metrics.Instrument? duration = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == D.MeterName && instrument.Name == D.CallDurationInstrumentName)
                {
                    duration = instrument;
                }
            },
        };
        listener.Start();

        var advice = (duration as System.Diagnostics.Metrics.Histogram<double>)?.Advice;

        Assert.That(advice?.HistogramBucketBoundaries,
            Is.EqualTo(new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60 }));
    }
}
