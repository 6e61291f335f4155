using System.Text.Json;
using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

public sealed class EraseAndListTests : CliTestBase
{
    [TestCase("openai")]
    [TestCase("azure")]
    [TestCase("dify")]
    public async Task Erase_DeletesAllOfTheUsersConversations_AndNoOneElses(string service)
    {
        var ids = Seed(service, 23, "user-1");
        var other = Seed(service, 2, "user-2");
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync(service, ["erase", "--user", "user-1", "--page-size", "10", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(other.Select(id => Exists(service, id, "user-2")), Has.All.True);
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids), "one line per conversation");
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"));
            Assert.That(Summary(receipt).GetProperty("listed").GetInt32(), Is.EqualTo(23));
            Assert.That(Summary(receipt).GetProperty("deleted").GetInt32(), Is.EqualTo(23));
            Assert.That(run.Lines[^1], Does.StartWith("erase: listed 23, deleted 23, not found 0, failed 0"));
        });
    }

    [Test]
    public async Task Erase_ListingFailsAfterAPage_ItsDeletesHaveTheirLines_TheSummarySaysTheListingFailed_ExitsOne()
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 12);
        service.Release();
        service.ListingsBeforeFailure = 1;
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["erase", "--user", "user-1", "--page-size", "5", "--max-retries", "0", "--receipt", receiptPath,
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(service.Conversations.Take(5)));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"));
            Assert.That(summary.GetProperty("listed").GetInt32(), Is.EqualTo(5));
            Assert.That(summary.GetProperty("listingError").GetString(), Does.Contain("The listing is down."));
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True, "the summary is the last line");
            Assert.That(run.Error, Does.StartWith("conversations: the listing failed"));
            Assert.That(service.Remaining, Is.EqualTo(7));
        });
    }

    [TestCase("azure")]
    [TestCase("dify")]
    public async Task EraseDryRun_ListsAndCounts_DeletesNothing(string service)
    {
        var ids = Seed(service, 12, "user-1");
        Emulator.ResetCounters();

        var run = await RunAsync(service, ["erase", "--user", "user-1", "--dry-run", "--page-size", "5"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.True);
            Assert.That(Emulator.GetCounters().ConversationsDeleted + Emulator.GetCounters().DeletesNotFound, Is.Zero, "no delete was sent");
            Assert.That(run.Lines.Where(line => line.StartsWith("would delete ", StringComparison.Ordinal)).Select(line => line["would delete ".Length..]),
                Is.EquivalentTo(ids));
            Assert.That(run.Lines[^1], Does.StartWith("erase: listed 12, deleted 0"));
        });
    }

    [Test]
    public async Task EraseDryRun_OutputJson_CountsWhatWouldBeDeleted()
    {
        Seed("dify", 7, "user-1");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--dry-run", "--output", "json"]);

        var summary = JsonDocument.Parse(run.Output).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(summary.GetProperty("dryRun").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("listed").GetInt32(), Is.EqualTo(7));
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.Zero);
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(7));
        });
    }

    [Test]
    public async Task Erase_ADeleteThatKeepsFailing_IsReportedOnce_AndExitsOne()
    {
        Seed("dify", 5, "user-1");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE", StatusCode = 500 });
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", "--concurrency", "1"]);

        var lines = Conversations(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(lines, Has.Count.EqualTo(5));
            Assert.That(lines.Count(line => line.GetProperty("outcome").GetString() == "Failed"), Is.EqualTo(1));
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(1));
        });
    }

    [TestCase("openai")]
    [TestCase("azure")]
    [TestCase("dify")]
    public async Task List_PrintsOneIdPerLine(string service)
    {
        var ids = Seed(service, 15, "user-1");
        Seed(service, 1, "user-2");

        var run = await RunAsync(service, ["list", "--user", "user-1", "--page-size", "4"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(run.Lines, Is.EquivalentTo(ids));
        });
    }

    [Test]
    public async Task List_OutputJson_PrintsAJsonLinePerConversation()
    {
        var ids = Seed("dify", 3, "user-1");

        var run = await RunAsync("dify", ["list", "--user", "user-1", "--output", "json"]);

        var rows = run.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(rows.Select(row => row.GetProperty("id").GetString()), Is.EquivalentTo(ids));
            Assert.That(rows.Select(row => row.GetProperty("createdAt").GetString()), Has.All.EndsWith("Z"));
        });
    }

    [Test]
    public async Task List_ThenDeleteFromStandardInput_ErasesThePipedIds()
    {
        var ids = Seed("azure", 6, "user-1");
        var list = await RunAsync("azure", ["list", "--user", "user-1"]);

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.OpenAIApiKey }, list.Output,
            ["delete", "-", "--user", "user-1", .. Service("azure")]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(ids.Select(id => Exists("azure", id, "user-1")), Has.All.False);
        });
    }

    [Test]
    public async Task List_WhenTheServiceRefuses_ExitsOneWithTheReason()
    {
        Seed("dify", 1, "user-1");
        Emulator.SetFaults(new ServiceFaultOptions { FailureRate = 1, Method = "GET", StatusCode = 500 });

        var run = await RunAsync("dify", ["list", "--user", "user-1", "--max-retries", "0"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(run.Error, Does.StartWith("conversations: the listing failed"));
        });
    }
}
