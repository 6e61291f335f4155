using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using D = ConversationClient.Internal.TelemetryNames;

namespace ConversationClient.Tests.Observability;

public sealed class ObservabilityTracingTests
{
    [Test]
    public async Task DeleteAsync_Deleted_EmitsOneClientActivityWithHttpClientTags()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted, r => ObservabilityScenario.WithRequestId(r, "req-ok-1"));
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        var activity = scenario.Activities.Single(conversationId);
        Assert.Multiple(() =>
        {
            Assert.That(activity.Source.Name, Is.EqualTo("ConversationClient"));
            Assert.That(activity.OperationName, Is.EqualTo(D.DeleteActivityName));
            Assert.That(activity.Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(activity.GetTagItem("http.request.method"), Is.EqualTo("DELETE"));
            Assert.That(activity.GetTagItem("server.address"), Is.EqualTo(scenario.Host));
            Assert.That(activity.GetTagItem("server.port"), Is.EqualTo(443));
            Assert.That(activity.GetTagItem("http.response.status_code"), Is.EqualTo(200));
            Assert.That(activity.GetTagItem("conversation.dialect"), Is.EqualTo("openai"));
            Assert.That(activity.GetTagItem("gen_ai.conversation.id"), Is.EqualTo(conversationId));
            Assert.That(activity.GetTagItem("conversation.id"), Is.Null, "the GenAI name replaced the SDK's own");
            Assert.That(activity.GetTagItem("gen_ai.operation.name"), Is.EqualTo("delete_conversation"));
            Assert.That(activity.GetTagItem("gen_ai.provider.name"), Is.EqualTo("openai"));
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.EqualTo("deleted"));
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(1));
            Assert.That(activity.GetTagItem("conversation.request_id"), Is.EqualTo("req-ok-1"));
            Assert.That(activity.GetTagItem("error.type"), Is.Null);
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(activity.Events, Is.Empty);
            Assert.That(activity.Duration, Is.GreaterThan(TimeSpan.Zero));
        });
    }

    [TestCase(ConversationApiDialect.OpenAI, "https://api.openai.com/v1", "openai")]
    [TestCase(ConversationApiDialect.OpenAI, "https://my-resource.openai.azure.com/openai/v1", "azure.ai.openai")]
    [TestCase(ConversationApiDialect.OpenAI, "https://my-project.services.ai.azure.com/api/projects/p/openai/v1", "azure.ai.openai")]
    [TestCase(ConversationApiDialect.OpenAI, "http://localhost:8080/v1", "openai")]
    [TestCase(ConversationApiDialect.OpenAI, "https://gateway.example.com/openai/v1", "azure.ai.openai")] // Azure's path behind a gateway
    [TestCase(ConversationApiDialect.OpenAI, "https://my-resource.openai.azure.us/openai/v1", "azure.ai.openai")]
    [TestCase(ConversationApiDialect.OpenAI, "https://my-resource.openai.azure.cn/openai/v1/", "azure.ai.openai")]
    [TestCase(ConversationApiDialect.Dify, "https://api.dify.ai/v1", "dify")]
    public void ProviderName_IsTheRegisteredGenAIValueWhereThereIsOne(ConversationApiDialect dialect, string baseAddress, string expected) =>
        Assert.That(ConversationClient.Dialects.ConversationDialect.For(dialect).ProviderName(new Uri(baseAddress)), Is.EqualTo(expected));

    [Test]
    public async Task DeleteAsync_NotFound_TagsNotFoundOutcomeWithoutError()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.NotFound, ObservabilityScenario.DifyNotFound);
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await scenario.CreateClient(ConversationApiDialect.Dify).DeleteAsync(conversationId, "end-user");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
        var activity = scenario.Activities.Single(conversationId);
        Assert.Multiple(() =>
        {
            Assert.That(activity.GetTagItem("conversation.dialect"), Is.EqualTo("dify"));
            Assert.That(activity.GetTagItem("gen_ai.provider.name"), Is.EqualTo("dify"), "no registered value: the SDK's own name");
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.EqualTo("not_found"));
            Assert.That(activity.GetTagItem("http.response.status_code"), Is.EqualTo(404));
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(1));
            Assert.That(activity.GetTagItem("error.type"), Is.Null);
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }

    [Test]
    public async Task DeleteAsync_RetriedCall_AddsOneEventPerRetryAndCountsAttempts()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.TooManyRequests, configure: r => ObservabilityScenario.WithRetryAfterMs(r, 3));
        scenario.Handler.Throw(new HttpRequestException("connection reset"));
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        var activity = scenario.Activities.Single(conversationId);
        var retries = activity.Events.Select(e => (e.Name, Tags: e.Tags.ToDictionary(t => t.Key, t => t.Value))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(4));
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.EqualTo("deleted"));
            Assert.That(activity.GetTagItem("http.response.status_code"), Is.EqualTo(200));
            Assert.That(retries.Select(r => r.Name), Is.EqualTo(new[] { "conversation.retry", "conversation.retry", "conversation.retry" }));
            Assert.That(retries.Select(r => r.Tags["conversation.attempt"]), Is.EqualTo(new object[] { 1, 2, 3 }));
            Assert.That(retries.Select(r => r.Tags["conversation.retry.reason"]), Is.EqualTo(new[] { "503", "429", "HttpRequestException" }));
            Assert.That(retries.Select(r => (double)r.Tags["conversation.retry.delay_ms"]!), Is.EqualTo(new[] { 2.0, 3.0, 8.0 }).Within(0.001));
            Assert.That(retries.Select(r => r.Tags["conversation.retry.delay_from_server"]), Is.EqualTo(new object[] { false, true, false }));
        });
    }

    [Test]
    public async Task DeleteAsync_ErrorResponse_SetsErrorTypeToStatusCodeAndErrorStatus()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.BadRequest, ObservabilityScenario.OpenAIBadRequest);
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        var activity = scenario.Activities.Single(conversationId);
        Assert.Multiple(() =>
        {
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.EqualTo("failed"));
            Assert.That(activity.GetTagItem("http.response.status_code"), Is.EqualTo(400));
            Assert.That(activity.GetTagItem("error.type"), Is.EqualTo("400"));
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(1));
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
        });
    }

    [Test]
    public async Task DeleteAsync_ConnectionFailuresUseUpRetries_SetsErrorTypeToErrorCode()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Handler.Throw(new HttpRequestException("refused")).Throw(new HttpRequestException("refused"));
        var conversationId = ObservabilityScenario.NewConversationId();

        var result = await scenario.CreateClient(ConversationApiDialect.OpenAI, o => o.Retry.MaxRetries = 1).DeleteAsync(conversationId);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
        var activity = scenario.Activities.Single(conversationId);
        Assert.Multiple(() =>
        {
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.EqualTo("failed"));
            Assert.That(activity.GetTagItem("http.response.status_code"), Is.Null);
            Assert.That(activity.GetTagItem("error.type"), Is.EqualTo("connection_failed"));
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(2));
            Assert.That(activity.Events.Count(), Is.EqualTo(1));
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
        });
    }

    [Test]
    public async Task DeleteAsync_CancelledByCaller_StopsActivityWithExceptionAsErrorType()
    {
        using var scenario = new ObservabilityScenario();
        using var cancellation = new CancellationTokenSource();
        scenario.Handler.Hang(cancellation.Cancel);
        var conversationId = ObservabilityScenario.NewConversationId();

        Assert.That(async () => await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId, cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());

        var activity = scenario.Activities.Single(conversationId);
        Assert.Multiple(() =>
        {
            Assert.That(activity.GetTagItem("error.type") as string, Does.EndWith("CanceledException"));
            Assert.That(activity.GetTagItem("conversation.outcome"), Is.Null);
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(scenario.Metrics.Sum(D.CallsInstrumentName, "conversation.outcome", "canceled"), Is.EqualTo(1));
        });
    }

    [Test]
    public void DeleteAsync_CancelledByCaller_TagsTheAttemptsLogsTheAbortAndTimesTheCall()
    {
        using var scenario = new ObservabilityScenario();
        using var cancellation = new CancellationTokenSource();
        scenario.Handler.Hang(cancellation.Cancel);
        var conversationId = ObservabilityScenario.NewConversationId();

        Assert.That(async () => await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId, cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());

        var activity = scenario.Activities.Single(conversationId);
        var aborted = scenario.Logs.For(D.LoggerCategory).Where(e => e.EventId.Id == D.DeleteAbortedEventId).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(activity.GetTagItem("conversation.attempts"), Is.EqualTo(1));
            Assert.That(activity.StatusDescription, Does.StartWith("System.").And.EndWith("CanceledException"), "the full type name");
            Assert.That(aborted, Has.Count.EqualTo(1));
            Assert.That(aborted.Single().Level, Is.EqualTo(LogLevel.Debug));
            Assert.That(aborted.Single().ActivitySpanId, Is.EqualTo(activity.SpanId.ToHexString()), "logged before the activity stopped");
            Assert.That(scenario.Metrics.Of(D.CallDurationInstrumentName).Where(m => m.Tag("conversation.outcome") == "canceled").ToList(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task DeleteAsync_InsideAnotherActivity_IsItsChild()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.OK, ObservabilityScenario.OpenAIDeleted);
        var conversationId = ObservabilityScenario.NewConversationId();
        var client = scenario.CreateClient(ConversationApiDialect.OpenAI);

        using var parent = new Activity("caller").Start();
        await client.DeleteAsync(conversationId);
        parent.Stop();

        var activity = scenario.Activities.Single(conversationId);
        Assert.That(activity.ParentSpanId, Is.EqualTo(parent.SpanId));
        Assert.That(activity.TraceId, Is.EqualTo(parent.TraceId));
    }

    [Test]
    public async Task LogEntriesOfACall_AreWrittenInsideItsActivity()
    {
        using var scenario = new ObservabilityScenario();
        scenario.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.BadRequest, ObservabilityScenario.OpenAIBadRequest);
        var conversationId = ObservabilityScenario.NewConversationId();

        await scenario.CreateClient(ConversationApiDialect.OpenAI).DeleteAsync(conversationId);

        var spanId = scenario.Activities.Single(conversationId).SpanId.ToHexString();
        var entries = scenario.Logs.For(D.LoggerCategory).ToList();
        Assert.That(entries.Select(e => e.EventId.Id), Is.EqualTo(new[] { D.DeleteStartedEventId, D.RetryEventId, D.DeleteFailedEventId }));
        Assert.That(entries.Select(e => e.ActivitySpanId), Is.All.EqualTo(spanId));
    }
}
