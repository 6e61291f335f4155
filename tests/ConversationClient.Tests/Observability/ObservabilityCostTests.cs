using System.Net;
using ConversationClient.Http;
using ConversationClient.Internal;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace ConversationClient.Tests.Observability;

/// <summary>With nobody listening and the levels off, reporting a call and a retry allocates nothing.</summary>
[NonParallelizable]
public sealed class ObservabilityCostTests
{
    [Test]
    public void Telemetry_WithNoListenerAndLevelsOff_AllocatesNothing()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new ObservabilityLogCapture()).SetMinimumLevel(LogLevel.Warning));
        var settings = ClientSettings.Create(new ConversationClientOptions
        {
            BaseAddress = new Uri("https://cost.example.test/v1"),
            ApiKey = ObservabilityScenario.ApiKey,
        });
        var telemetry = new ConversationTelemetry(settings, loggerFactory);
        var state = new Pipeline.CallState { ConversationId = "conv_cost", Telemetry = telemetry, ClientRequestId = "client-request", Attempts = 2 };
        var result = new DeleteConversationResult
        {
            ConversationId = "conv_cost",
            Outcome = DeleteConversationOutcome.Deleted,
            StatusCode = 200,
            Attempts = 2,
            RequestId = "req-cost",
        };
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assume.That(ConversationTelemetry.Source.HasListeners(), Is.False, "another test left a listener on the activity source");

        void ReportOneCall()
        {
            var activity = telemetry.DeleteStarted("conv_cost", "user-cost");
            telemetry.Retrying(state, response, null, TimeSpan.FromMilliseconds(2), delayFromServer: false);
            telemetry.DeleteFinished(activity, result, "user-cost", state, TimeSpan.FromMilliseconds(5), null);
        }

        ReportOneCall();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ReportOneCall();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Telemetry_WithALoggerOn_DoesAllocate_SoTheTestAboveCanFail()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new ObservabilityLogCapture()).SetMinimumLevel(LogLevel.Trace));
        var settings = ClientSettings.Create(new ConversationClientOptions
        {
            BaseAddress = new Uri("https://cost-on.example.test/v1"),
            ApiKey = ObservabilityScenario.ApiKey,
        });
        var telemetry = new ConversationTelemetry(settings, loggerFactory);
        telemetry.DeleteStarted("conv_cost", null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        telemetry.DeleteStarted("conv_cost", null);

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.GreaterThan(0));
    }
}
