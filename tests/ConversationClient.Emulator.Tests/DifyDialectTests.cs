namespace ConversationClient.Emulator.Tests;

public sealed class DifyDialectTests : EmulatorTestBase
{
    [Test]
    public async Task SdkDelete_OwnerDeletes_OtherUserGetsNotFound_SecondDeleteGetsNotFound()
    {
        var client = DifyClient();
        var id = Emulator.SeedDifyConversation("alice");

        var asBob = await client.DeleteAsync(id, "bob");
        var asAlice = await client.DeleteAsync(id, "alice");
        var again = await client.DeleteAsync(id, "alice");

        Assert.Multiple(() =>
        {
            Assert.That(asBob.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(asBob.Error?.Code, Is.EqualTo("not_found"));
            Assert.That(asBob.Error?.Message, Is.EqualTo("Conversation Not Exists."));
            Assert.That(asAlice.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(asAlice.StatusCode, Is.EqualTo(204));
            Assert.That(asAlice.RequestId, Does.StartWith("req_"));
            Assert.That(again.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(again.StatusCode, Is.EqualTo(404));
            Assert.That(Emulator.DifyConversationExists(id, "alice"), Is.False);
        });
    }

    [Test]
    public async Task Delete_Answers204WithNoBody()
    {
        var id = Emulator.SeedDifyConversation("alice");

        var response = await SendAsync(HttpMethod.Delete, $"v1/conversations/{id}", Emulator.DifyApiKey, """{"user":"alice"}""");

        Assert.That(response.Status, Is.EqualTo(204));
        Assert.That(response.Body, Is.Empty);
    }

    [Test]
    public async Task Delete_WithMalformedBody_Returns400()
    {
        var id = Emulator.SeedDifyConversation("alice");

        var response = await SendAsync(HttpMethod.Delete, $"v1/conversations/{id}", Emulator.DifyApiKey, "{user");

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Json.GetProperty("status").GetInt32(), Is.EqualTo(400));
        Assert.That(Emulator.DifyConversationExists(id, "alice"), Is.True);
    }

    [Test]
    public async Task WrongKey_Returns401InTheDifyEnvelope()
    {
        var id = Emulator.SeedDifyConversation("alice");
        var client = Client(ConversationApiDialect.Dify, Emulator.DifyBaseAddress, "app-not-the-right-key");

        var result = await client.DeleteAsync(id, "alice");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error?.Code, Is.EqualTo("unauthorized"));
            Assert.That(result.Error?.Message, Is.EqualTo("Access token is invalid"));
            Assert.That(Emulator.DifyConversationExists(id, "alice"), Is.True);
        });
    }

    [Test]
    public async Task TheKey_DecidesTheDialectUnderV1()
    {
        var asDify = await SendAsync(HttpMethod.Get, "v1/conversations?user=alice", Emulator.DifyApiKey);
        var asOpenAI = await SendAsync(HttpMethod.Get, "v1/conversations?user=alice", Emulator.OpenAIApiKey);

        Assert.That(asDify.Status, Is.EqualTo(200));
        Assert.That(asDify.Json.TryGetProperty("limit", out _), Is.True);
        Assert.That(asOpenAI.Status, Is.EqualTo(404));
        Assert.That(asOpenAI.Json.TryGetProperty("error", out _), Is.True);
        var counters = Emulator.GetCounters();
        Assert.That((counters.DifyRequests, counters.OpenAIRequests), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public async Task ChatMessages_CreatesAConversation_ThatTheUserCanListContinueAndDelete()
    {
        var first = await SendAsync(HttpMethod.Post, "v1/chat-messages", Emulator.DifyApiKey,
            """{"query":"Hello there","user":"carol","inputs":{},"response_mode":"blocking"}""");
        Assert.That(first.Status, Is.EqualTo(200));
        var id = first.Json.GetProperty("conversation_id").GetString()!;
        Assert.That(Guid.TryParse(id, out _), Is.True);

        var next = await SendAsync(HttpMethod.Post, "v1/chat-messages", Emulator.DifyApiKey,
            $$"""{"query":"Again","user":"carol","conversation_id":"{{id}}","response_mode":"blocking"}""");
        var stranger = await SendAsync(HttpMethod.Post, "v1/chat-messages", Emulator.DifyApiKey,
            $$"""{"query":"Mine?","user":"mallory","conversation_id":"{{id}}","response_mode":"blocking"}""");
        var list = await SendAsync(HttpMethod.Get, "v1/conversations?user=carol", Emulator.DifyApiKey);
        var deleted = await DifyClient().DeleteAsync(id, "carol");

        Assert.Multiple(() =>
        {
            Assert.That(next.Json.GetProperty("conversation_id").GetString(), Is.EqualTo(id));
            Assert.That(stranger.Status, Is.EqualTo(404));
            Assert.That(list.Json.GetProperty("data")[0].GetProperty("id").GetString(), Is.EqualTo(id));
            Assert.That(list.Json.GetProperty("data")[0].GetProperty("name").GetString(), Is.EqualTo("Hello there"));
            Assert.That(deleted.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        });
    }

    [Test]
    public async Task UnknownRoute_AnswersWerkzeugsHtml404()
    {
        var response = await SendAsync(HttpMethod.Get, "v1/parameters", Emulator.DifyApiKey);

        Assert.That(response.Status, Is.EqualTo(404));
        Assert.That(response.Body, Does.StartWith("<!doctype html>").And.Contain("The requested URL was not found on the server."));
    }
}
