using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>Two named clients, one per dialect, in one <see cref="ServiceCollection"/>: each reaches its own stub with its own credentials.</summary>
public sealed class NamedClientsTests : IntegrationTest
{
    [Test]
    public async Task NamedClients_FoundryAndDify_EachDeleteOnTheirOwnServiceWithTheirOwnKey()
    {
        var services = BuildServices(services =>
        {
            services.AddConversationClient("foundry", options =>
            {
                options.Dialect = ConversationApiDialect.OpenAI;
                options.BaseAddress = Server.Url("/openai/v1");
                options.ApiKey = AzureKey;
                options.ApiKeyHeaderName = "api-key";
                UseFastRetries(options);
            });
            services.AddConversationClient("dify", options =>
            {
                options.Dialect = ConversationApiDialect.Dify;
                options.BaseAddress = Server.Url("/v1");
                options.ApiKey = DifyKey;
                UseFastRetries(options);
            });
        });
        var foundry = services.GetRequiredKeyedService<IConversationClient>("foundry");
        var dify = services.GetRequiredKeyedService<IConversationClient>("dify");

        var foundryResult = await foundry.DeleteAsync("conv_azure_user", user: "user-42");
        var difyResult = await dify.DeleteAsync("d1f70000-0000-4000-8000-000000000001", user: "user-123");

        var journal = Server.GetJournal();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(foundryResult.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(foundryResult.StatusCode, Is.EqualTo(200));
            Assert.That(difyResult.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), journal.Report);
            Assert.That(difyResult.StatusCode, Is.EqualTo(204));
            Assert.That(journal.Unmatched, Is.Empty, journal.Report);
            Assert.That(journal.Requests, Has.Count.EqualTo(2), journal.Report);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(journal.Requests[0].Url, Is.EqualTo("/openai/v1/conversations/conv_azure_user"));
            Assert.That(journal.Requests[0].Header("api-key"), Is.EqualTo(AzureKey));
            Assert.That(journal.Requests[0].Header("Authorization"), Is.Null);
            Assert.That(journal.Requests[0].Body, Is.Empty);
            Assert.That(journal.Requests[1].Url, Is.EqualTo("/v1/conversations/d1f70000-0000-4000-8000-000000000001"));
            Assert.That(journal.Requests[1].Header("Authorization"), Is.EqualTo("Bearer " + DifyKey));
            Assert.That(journal.Requests[1].Header("api-key"), Is.Null);
            Assert.That(journal.Requests[1].Body, Is.EqualTo("""{"user":"user-123"}"""));
            Assert.That(journal.Requests[0].Header("x-ms-client-request-id"), Is.Not.EqualTo(journal.Requests[1].Header("x-ms-client-request-id")));
        }
    }
}
