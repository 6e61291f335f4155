using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>What each service's API cannot erase, said with its source, in <see cref="ErasureLimit.For"/> and every erasure report.</summary>
public sealed class ErasureLimitTests
{
    [Test]
    public void OpenAI_SaysStoredResponsesCannotBeListedAndFilesStay()
    {
        var limits = ErasureLimit.For(new ConversationClientOptions { Dialect = ConversationApiDialect.OpenAI, BaseAddress = new Uri("https://api.openai.com/v1") });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(limits.Select(l => l.Description), Has.Some.Contains("Stored responses").And.Some.Contains("no operation that lists them"));
            Assert.That(limits.Select(l => l.Description), Has.Some.Contains("Files"));
            Assert.That(limits.Select(l => l.Source), Has.All.Contains("https://"));
            Assert.That(limits.Select(l => l.Source), Has.None.Contains("ai.azure.com"));
        }
    }

    [Test]
    public void AzureHost_SaysWhichStoredResponsesTheErasureCannotFind()
    {
        var limits = ErasureLimit.For(new ConversationClientOptions { Dialect = ConversationApiDialect.OpenAI, BaseAddress = new Uri(TestClients.OpenAIBase) });

        Assert.That(limits.Select(l => l.Source), Has.Some.Contains("https://ai.azure.com/api-reference/responses/list-responses/"));
        Assert.That(limits.Select(l => l.Description), Has.Some.Contains("responses made without a conversation").And.Some.Contains("previous_response_id")
            .And.Some.Contains("where the endpoint does not serve the list"));
    }

    [TestCase("http://localhost:5080/openai/v1")]
    [TestCase("https://gateway.contoso.example/openai/v1/")]
    public void AzurePathOnAnotherHost_IsAzuresEndpoint(string baseAddress)
    {
        var limits = ErasureLimit.For(new ConversationClientOptions { Dialect = ConversationApiDialect.OpenAI, BaseAddress = new Uri(baseAddress) });

        Assert.That(limits.Select(l => l.Source), Has.Some.Contains("https://ai.azure.com/api-reference/responses/list-responses/"));
    }

    [Test]
    public void Dify_SaysFilesLogsOtherChannelsAndTheBackgroundTask()
    {
        var limits = ErasureLimit.For(TestClients.Options(ConversationApiDialect.Dify));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(limits, Has.Count.EqualTo(4));
            Assert.That(limits.Select(l => l.Description), Has.Some.Contains("uploaded").And.Some.Contains("workflow runs")
                .And.Some.Contains("outside the service API").And.Some.Contains("background task"));
            Assert.That(limits.Select(l => l.Source), Has.All.Contains("langgenius/dify"));
            Assert.That(limits[0].ToString(), Does.StartWith(limits[0].Description).And.EndWith($"(source: {limits[0].Source})"));
        }
    }

    [Test]
    public void For_RefusesMissingOptions()
    {
        Assert.That(() => ErasureLimit.For(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => ErasureLimit.For(new ConversationClientOptions()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options.BaseAddress"));
    }

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public async Task EraseReport_CarriesTheServicesLimits(ConversationApiDialect dialect)
    {
        var service = new InMemoryConversationService(dialect);
        service.Seed(3, "user-1");
        var options = TestClients.Options(dialect);
        var client = ConversationClientFactory.Create(options, service, TimeProvider.System, () => 0.5);

        var report = await client.EraseUserAsync("user-1");

        Assert.That(report.Limits.Select(l => l.Description), Is.EqualTo(ErasureLimit.For(options).Select(l => l.Description)).And.Not.Empty);
    }
}
