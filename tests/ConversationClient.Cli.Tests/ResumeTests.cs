using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

public sealed class ResumeTests : CliTestBase
{
    [Test]
    public async Task Resume_SkipsWhatIsDone_RetriesTheFailures()
    {
        var ids = Seed("dify", 6, "user-1");
        var file = PathFor("ids.txt");
        await File.WriteAllLinesAsync(file, ids.Append("6f1c0d2e-9a4b-4c1d-8e2f-000000000410"));
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 2, Method = "DELETE", StatusCode = 503 });

        var first = await RunAsync("dify", ["delete", "--file", file, "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", "--concurrency", "1"]);
        var failedIds = Conversations(ReadReceipt(receiptPath))
            .Where(line => line.GetProperty("outcome").GetString() == "Failed")
            .Select(line => line.GetProperty("id").GetString())
            .ToList();
        Assert.That(first.Exit, Is.EqualTo(1), first.ToString());
        Assert.That(failedIds, Has.Count.EqualTo(2));

        Emulator.ClearFaults();
        Emulator.ResetCounters();
        var resumed = PathFor("resumed.jsonl");
        var second = await RunAsync("dify", ["delete", "--file", file, "--user", "user-1", "--resume", receiptPath, "--receipt", resumed]);

        var lines = Conversations(ReadReceipt(resumed));
        Assert.Multiple(() =>
        {
            Assert.That(second.Exit, Is.Zero, second.ToString());
            Assert.That(Emulator.GetCounters().DeleteRequests, Is.EqualTo(2), "only the failed ids are sent again");
            Assert.That(lines.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(failedIds));
            Assert.That(lines.Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"));
            Assert.That(Summary(ReadReceipt(resumed)).GetProperty("skipped").GetInt32(), Is.EqualTo(5), "4 Deleted and 1 NotFound");
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.Zero);
        });
    }

    [Test]
    public async Task Resume_IntoTheSameReceipt_AppendsToIt()
    {
        var ids = Seed("openai", 3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE", StatusCode = 503 });
        await RunAsync("openai", ["delete", .. ids, "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", "--concurrency", "1"]);
        Emulator.ClearFaults();

        var run = await RunAsync("openai", ["delete", .. ids, "--user", "user-1", "--receipt", receiptPath, "--resume", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(receipt, Has.Count.EqualTo(1 + 3 + 1 + 1 + 1 + 1), "first run: a header, 3 ids and a summary; second: a header, the retried id and a summary");
            Assert.That(Conversations(receipt)[^1].GetProperty("outcome").GetString(), Is.EqualTo("Deleted"));
            Assert.That(Emulator.CountOpenAIConversations("user-1"), Is.Zero);
        });
    }

    [Test]
    public async Task Resume_FromAReceiptCutShortMidLine_ReadsTheWholeLines()
    {
        var ids = Seed("dify", 2, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        await File.WriteAllTextAsync(receiptPath,
            $"{RunHeader("dify", "user-1")}\n{{\"id\":\"{ids[0]}\",\"outcome\":\"Deleted\",\"verification\":\"gone\"}}\n{{\"id\":\"{ids[1]}\",\"outco");
        Emulator.ResetCounters();

        var run = await RunAsync("dify", ["delete", ids[0], ids[1], "--user", "user-1", "--resume", receiptPath, "--output", "json"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.GetCounters().DeleteRequests, Is.EqualTo(1));
            Assert.That(Exists("dify", ids[0], "user-1"), Is.True, "skipped: the receipt says Deleted");
            Assert.That(Exists("dify", ids[1], "user-1"), Is.False);
        });
    }

    [Test]
    public async Task Receipt_CutShortMidLine_TheNextRunsLinesStartOnANewLine()
    {
        var ids = Seed("dify", 2, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        // A crash while the line of ids[1] was written: the file ends without its newline.
        await File.WriteAllTextAsync(receiptPath,
            $"{RunHeader("dify", "user-1")}\n{{\"id\":\"{ids[0]}\",\"outcome\":\"Deleted\",\"verification\":\"gone\"}}\n{{\"id\":\"{ids[1]}\",\"outco");

        var rerun = await RunAsync("dify", ["delete", ids[0], ids[1], "--user", "user-1", "--resume", receiptPath, "--receipt", receiptPath]);
        Emulator.ResetCounters();
        var again = await RunAsync("dify", ["delete", ids[0], ids[1], "--user", "user-1", "--resume", receiptPath, "--receipt", receiptPath]);

        var lines = File.ReadAllLines(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(rerun.Exit, Is.Zero, rerun.ToString());
            Assert.That(lines[2], Is.EqualTo($"{{\"id\":\"{ids[1]}\",\"outco"), "the cut line stays as it was, alone on its line");
            Assert.That(lines[3], Does.StartWith("{\"run\":true,"), "the re-run's header is whole, not glued to the cut line");
            Assert.That(lines[4], Does.StartWith($"{{\"id\":\"{ids[1]}\",\"outcome\":\"Deleted\""));
            Assert.That(again.Exit, Is.Zero, again.ToString());
            Assert.That(Emulator.GetCounters().DeleteRequests, Is.Zero, "a later --resume reads the re-run's line: both ids are done");
        });
    }

    [Test]
    public async Task Resume_Erase_DeletesEveryConversationTheListingShows_WhateverTheReceiptSays()
    {
        var ids = Seed("dify", 4, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        // The receipt calls ids[0] gone, yet the service lists it: a conversation the service lists is not gone.
        await File.WriteAllTextAsync(receiptPath,
            $"{RunHeader("dify", "user-1", "erase")}\n{{\"id\":\"{ids[0]}\",\"outcome\":\"NotFound\",\"verification\":\"gone\"}}\n{{\"id\":\"{ids[1]}\",\"outcome\":\"Failed\"}}\n");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--resume", receiptPath, "--output", "json"]);
        var summary = System.Text.Json.JsonDocument.Parse(run.Output).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.Zero, "the one the receipt called gone too");
            Assert.That(summary.GetProperty("skipped").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("listed").GetInt32(), Is.EqualTo(4));
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(4));
            Assert.That(run.Error, Does.Contain("--resume skips nothing"));
        });
    }

    [TestCase("dify")]
    [TestCase("azure")]
    public async Task Resume_TheLinesOfARunForAnotherUser_AreNotDone(string service)
    {
        // Dify and Azure answer 404 for another user's conversation: a run with the wrong --user writes NotFound, gone.
        var ids = Seed(service, 2, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        var wrong = await RunAsync(service, ["delete", .. ids, "--user", "user-2", "--receipt", receiptPath]);
        Assert.That(Conversations(ReadReceipt(receiptPath)).Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("NotFound"), wrong.ToString());

        var right = await RunAsync(service, ["delete", .. ids, "--user", "user-1", "--resume", receiptPath, "--receipt", receiptPath, "--output", "json"]);

        var summary = System.Text.Json.JsonDocument.Parse(right.Output).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(right.Exit, Is.Zero, right.ToString());
            Assert.That(summary.GetProperty("skipped").GetInt32(), Is.Zero, "lines of a run for user-2 say nothing of user-1's conversations");
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(2));
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(right.Error, Does.Contain("2 lines").And.Contain("another user"));
        });
    }

    [Test]
    public async Task Resume_TheLinesOfARunOfTheSameUserOnAnotherService_AreNotDone()
    {
        var ids = Seed("dify", 1, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        await File.WriteAllLinesAsync(receiptPath,
            [RunHeader("openai", "user-1"), $"{{\"id\":\"{ids[0]}\",\"outcome\":\"NotFound\",\"verification\":\"gone\"}}"]);

        var run = await RunAsync("dify", ["delete", ids[0], "--user", "user-1", "--resume", receiptPath, "--output", "json"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("skipped").GetInt32(), Is.Zero);
            Assert.That(Exists("dify", ids[0], "user-1"), Is.False);
        });
    }

    [Test]
    public async Task Resume_AReceiptWithoutRunHeaders_ResumesNothing_AndSaysSo()
    {
        var ids = Seed("dify", 2, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        // Written before receipts recorded whom each run was for: nothing says these lines are of user-1.
        await File.WriteAllTextAsync(receiptPath,
            $"{{\"id\":\"{ids[0]}\",\"outcome\":\"Deleted\",\"verification\":\"gone\"}}\n{{\"id\":\"{ids[1]}\",\"outcome\":\"NotFound\",\"verification\":\"gone\"}}\n");

        var run = await RunAsync("dify", ["delete", .. ids, "--user", "user-1", "--resume", receiptPath, "--output", "json"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("skipped").GetInt32(), Is.Zero);
            Assert.That(ids.Select(id => Exists("dify", id, "user-1")), Has.All.False);
            Assert.That(run.Error, Does.Contain("2 lines").And.Contain("no run header"));
        });
    }

    [Test]
    public async Task Receipt_EachRunStartsWithAHeader_NamingTheUserByItsDigestOnly()
    {
        const string user = "alice@example.com-7f3a";
        var ids = Seed("dify", 2, user);
        var receiptPath = PathFor("receipt.jsonl");

        await RunAsync("dify", ["delete", ids[0], "--user", user, "--receipt", receiptPath]);
        await RunAsync("dify", ["erase", "--user", user, "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        var headers = receipt.Where(line => line.TryGetProperty("run", out _)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(headers, Has.Count.EqualTo(2));
            Assert.That(receipt[0].GetProperty("run").GetBoolean(), Is.True, "a run's first line");
            Assert.That(headers.Select(line => line.GetProperty("command").GetString()), Is.EqualTo(new[] { "delete", "erase" }));
            Assert.That(headers.Select(line => line.GetProperty("service").GetString()), Has.All.EqualTo("dify"));
            Assert.That(headers.Select(line => line.GetProperty("host").GetString()), Has.All.EqualTo(Emulator.DifyBaseAddress.Host));
            Assert.That(headers.Select(line => line.GetProperty("user_sha256").GetString()),
                Has.All.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(user)))));
            Assert.That(File.ReadAllText(receiptPath), Does.Not.Contain("alice"), "the user id is never in the receipt");
        });
    }

    [Test]
    public async Task Resume_AfterADeleteWhoseLookFailed_LooksAgain_AndOnlyThenIsVerified()
    {
        var ids = Seed("dify", 2, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "GET", StatusCode = 503 });
        var first = await RunAsync("dify", ["delete", .. ids, "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", "--concurrency", "1"]);
        Assert.That(first.Exit, Is.EqualTo(1), "one look failed: not verified");
        Emulator.ClearFaults();
        Emulator.ResetCounters();

        var resumed = PathFor("resumed.jsonl");
        var second = await RunAsync("dify", ["delete", .. ids, "--user", "user-1", "--resume", receiptPath, "--receipt", resumed]);

        var lines = Conversations(ReadReceipt(resumed));
        Assert.Multiple(() =>
        {
            Assert.That(second.Exit, Is.Zero, second.ToString());
            Assert.That(lines, Has.Count.EqualTo(1), "the unchecked one runs again; the one checked gone is skipped");
            Assert.That(lines.Single().GetProperty("outcome").GetString(), Is.EqualTo("NotFound"));
            Assert.That(lines.Single().GetProperty("verification").GetString(), Is.EqualTo("gone"));
            Assert.That(Emulator.GetCounters().ReadRequests, Is.EqualTo(1), "its look, made this time");
            Assert.That(Summary(ReadReceipt(resumed)).GetProperty("skipped").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Resume_ALineWithoutACheck_IsDoneOnlyForARunThatDoesNotVerify()
    {
        var ids = Seed("dify", 1, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        // A run with --no-verify: Deleted, nothing checked.
        await File.WriteAllTextAsync(receiptPath, $"{RunHeader("dify", "user-1")}\n{{\"id\":\"{ids[0]}\",\"outcome\":\"Deleted\",\"verification\":\"not_checked\"}}\n");

        var unverified = await RunAsync("dify", ["delete", ids[0], "--user", "user-1", "--resume", receiptPath, "--no-verify", "--output", "json"]);
        var stillThere = Exists("dify", ids[0], "user-1");
        var verified = await RunAsync("dify", ["delete", ids[0], "--user", "user-1", "--resume", receiptPath, "--output", "json"]);

        Assert.Multiple(() =>
        {
            Assert.That(unverified.Exit, Is.Zero, unverified.ToString());
            Assert.That(System.Text.Json.JsonDocument.Parse(unverified.Output).RootElement.GetProperty("skipped").GetInt32(), Is.EqualTo(1));
            Assert.That(stillThere, Is.True, "--no-verify takes the receipt's word");
            Assert.That(verified.Exit, Is.Zero, verified.ToString());
            Assert.That(System.Text.Json.JsonDocument.Parse(verified.Output).RootElement.GetProperty("deleted").GetInt32(), Is.EqualTo(1),
                "a run that verifies does not take an unchecked Deleted for done: the conversation was still there");
            Assert.That(Exists("dify", ids[0], "user-1"), Is.False);
        });
    }
}
