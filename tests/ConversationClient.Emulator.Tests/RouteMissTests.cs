namespace ConversationClient.Emulator.Tests;

/// <summary>
/// A base address without <c>/v1</c> reaches paths the services do not serve: the emulator answers them as each real
/// service does, and the SDK reports a failure about the address, never "not found" for a conversation still there.
/// </summary>
public sealed class RouteMissTests : EmulatorTestBase
{
    private static readonly BulkDeleteOptions Serial = new() { MaxConcurrency = 1 };

    // The emulator's root: what a user gets who leaves /v1 off the base address.
    private IConversationClient WrongBase(ConversationApiDialect dialect) => dialect == ConversationApiDialect.OpenAI
        ? Client(dialect, Emulator.BaseAddress, Emulator.OpenAIApiKey)
        : Client(dialect, Emulator.BaseAddress, Emulator.DifyApiKey);

    private string Seed(ConversationApiDialect dialect, string user) => dialect == ConversationApiDialect.OpenAI
        ? Emulator.SeedOpenAIConversation(user)
        : Emulator.SeedDifyConversation(user);

    private bool Exists(ConversationApiDialect dialect, string id, string user) => dialect == ConversationApiDialect.OpenAI
        ? Emulator.OpenAIConversationExists(id, user)
        : Emulator.DifyConversationExists(id, user);

    private static void AssertEndpointNotFound(DeleteConversationResult result)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), result.ToString());
            Assert.That(result.StatusCode, Is.EqualTo(404));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(result.Error?.Message, Does.Contain("base address ends with /v1"));
        }
    }

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public async Task DeleteAsync_BaseAddressWithoutV1_FailsWithEndpointNotFoundAndTheConversationStays(ConversationApiDialect dialect)
    {
        var id = Seed(dialect, "alice");

        var result = await WrongBase(dialect).DeleteAsync(id, "alice");

        AssertEndpointNotFound(result);
        Assert.That(Exists(dialect, id, "alice"), Is.True);
    }

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public async Task DeleteManyAsync_BaseAddressWithoutV1_FailsEveryIdWithEndpointNotFound(ConversationApiDialect dialect)
    {
        string[] ids = [Seed(dialect, "alice"), Seed(dialect, "alice")];

        var results = await WrongBase(dialect).DeleteManyAsync(ids, "alice", Serial).ToListAsync();

        Assert.That(results.Select(r => r.ConversationId), Is.EquivalentTo(ids));
        foreach (var result in results)
        {
            AssertEndpointNotFound(result);
        }

        Assert.That(ids.Select(id => Exists(dialect, id, "alice")), Is.All.True);
    }

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public async Task EraseUserAsync_BaseAddressWithoutV1_EndsIncompleteWithEndpointNotFound(ConversationApiDialect dialect)
    {
        Seed(dialect, "alice");

        var report = await WrongBase(dialect).EraseUserAsync("alice");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.IsComplete, Is.False, "never 'nothing to erase'");
            Assert.That(report.ListingError?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
            Assert.That(report.Listed, Is.Zero);
            Assert.That(report.ToString(), Does.Contain("listing stopped: endpoint_not_found"));
        }
    }

    [Test]
    public async Task DeleteAsync_AzureBaseAddressWithoutOpenAIV1_FailsWithEndpointNotFound()
    {
        var id = Emulator.SeedOpenAIConversation("alice");
        var client = Client(ConversationApiDialect.OpenAI, new Uri(Emulator.BaseAddress, "openai"), Emulator.OpenAIApiKey,
            options => options.ApiKeyHeaderName = "api-key");

        var result = await client.DeleteAsync(id, "alice");

        AssertEndpointNotFound(result);
    }

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public async Task DeleteAsync_Twice_IsNotFoundTheSecondTime(ConversationApiDialect dialect)
    {
        var id = Seed(dialect, "alice");
        var client = dialect == ConversationApiDialect.OpenAI ? OpenAIClient() : DifyClient();

        var first = await client.DeleteAsync(id, "alice");
        var second = await client.DeleteAsync(id, "alice");

        Assert.That(first.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(second.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
    }

    [Test]
    public async Task DeleteAsync_DifyIdThatIsNotAUuid_GetsWerkzeugsPageAndFailsWithDifyIdNotUuid()
    {
        var raw = await SendAsync(HttpMethod.Delete, "v1/conversations/conv_1", Emulator.DifyApiKey, """{"user":"alice"}""");
        var result = await DifyClient().DeleteAsync("conv_1", "alice");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(raw.Status, Is.EqualTo(404));
            Assert.That(raw.Body, Does.StartWith("<!doctype html>").And.Contain("The requested URL was not found on the server."));
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.DifyIdNotUuidCode));
        }
    }

    [Test]
    public async Task PathNotServed_EachDialectAnswersLikeItsService()
    {
        var openAI = await SendAsync(HttpMethod.Delete, "conversations/conv_1", Emulator.OpenAIApiKey);
        var dify = await SendAsync(HttpMethod.Delete, "conversations/5ad4cb98-f0c7-4085-b384-88c403be6290", Emulator.DifyApiKey, """{"user":"alice"}""");
        var difyUnknown = await SendAsync(HttpMethod.Get, "v1/no-such-endpoint", Emulator.DifyApiKey);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(openAI.Status, Is.EqualTo(404));
            Assert.That(openAI.Json.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Invalid URL (DELETE /conversations/conv_1)"));
            Assert.That(dify.Status, Is.EqualTo(404));
            Assert.That(dify.Body, Does.StartWith("<!doctype html>").And.Contain("<title>404 Not Found</title>"));
            Assert.That(difyUnknown.Status, Is.EqualTo(404));
            Assert.That(difyUnknown.Body, Does.StartWith("<!doctype html>"));
        }
    }
}
