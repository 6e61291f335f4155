using System.Text.Json;

namespace ConversationClient.Cli.Tests;

/// <summary>erase with items, verification and an export first: receipts, summary, exit codes, and what is left on the emulator.</summary>
public sealed class CompleteEraseTests : CliTestBase
{
    [TestCase("openai")]
    [TestCase("azure")]
    public async Task Erase_DeletesEveryItemBeforeItsConversation_NoItemIsLeftStored_AndEachLineSaysGone(string service)
    {
        var ids = Seed(service, 6, "user-1", itemsEach: 5);
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync(service, ["erase", "--user", "user-1", "--receipt", receiptPath, "--page-size", "4"]);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-1"), Is.Zero, "no item left stored behind a deleted conversation");
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("itemsDeleted").GetInt32()), Has.All.EqualTo(5));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("gone"));
            Assert.That(summary.GetProperty("itemsDeleted").GetInt32(), Is.EqualTo(30));
            Assert.That(summary.GetProperty("verified").GetInt32(), Is.EqualTo(6));
            Assert.That(summary.GetProperty("stillPresent").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(run.Lines[^1], Does.Contain(service == "openai"
                ? "items deleted 30, stored responses not checked 6, gone 6, still present 0: verified"
                : "items deleted 30, gone 6, still present 0: verified"));
        });
    }

    [Test]
    public async Task Erase_Azure_DeletesEachConversationsStoredResponsesFirst_NoneIsLeftStored_AndTheReceiptCountsThem()
    {
        var ids = Seed("azure", 3, "user-1", itemsEach: 2);
        foreach (var id in ids)
        {
            Emulator.SeedOpenAIResponses(id, 4, "user-1");
        }

        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("azure", ["erase", "--user", "user-1", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOrphanedOpenAIResponses("user-1"), Is.Zero, "no stored response left behind a deleted conversation");
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-1"), Is.Zero);
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("responsesDeleted").GetInt32()), Has.All.EqualTo(4));
            Assert.That(summary.GetProperty("responsesDeleted").GetInt32(), Is.EqualTo(12));
            Assert.That(summary.GetProperty("responsesNotChecked").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(run.Lines[^1], Does.Contain("items deleted 6, stored responses deleted 12, gone 3"));
        });
    }

    [Test]
    public async Task Erase_OpenAI_CannotListStoredResponses_TheReceiptSaysNotCheckedAndTheyStay()
    {
        var ids = Seed("openai", 2, "user-1");
        Emulator.SeedOpenAIResponses(ids[0], 3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("openai", ["erase", "--user", "user-1", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("responsesDeleted").ValueKind), Has.All.EqualTo(JsonValueKind.Null));
            Assert.That(Summary(receipt).GetProperty("responsesDeleted").GetInt32(), Is.Zero);
            Assert.That(Summary(receipt).GetProperty("responsesNotChecked").GetInt32(), Is.EqualTo(2), "neither conversation's stored responses could be checked");
            Assert.That(Emulator.CountOrphanedOpenAIResponses("user-1"), Is.EqualTo(3), "OpenAI's public API has no list of them: the notErasable block says so");
            Assert.That(run.ToString(), Does.Contain("no operation that lists them"));
        });
    }

    [Test]
    public async Task Erase_AnAzureEndpointThatDoesNotServeTheStoredResponseList_TheSummaryCountsTheConversationsNotChecked()
    {
        // An Azure endpoint (its /openai/v1 path) where GET /openai/v1/responses answers 404 for the address.
        await using var service = await HeldDeletesService.StartAsync(conversations: 3, apiPath: "/openai/v1");
        service.Release();
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "key" }, "",
            ["erase", "--user", "user-1", "--receipt", receiptPath, "--service", "azure", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(service.Remaining, Is.Zero);
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("responsesDeleted").ValueKind), Has.All.EqualTo(JsonValueKind.Null));
            Assert.That(Summary(receipt).GetProperty("responsesNotChecked").GetInt32(), Is.EqualTo(3));
            Assert.That(run.Lines[^1], Does.Contain("items deleted 0, stored responses not checked 3, gone 3"));
        });
    }

    [Test]
    public async Task Erase_Dify_HasNoStoredResponses_NoneCountsAsNotChecked()
    {
        Seed("dify", 2, "user-1");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--output", "json"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(JsonDocument.Parse(run.Output).RootElement.GetProperty("responsesNotChecked").GetInt32(), Is.Zero);
        });
    }

    [TestCase("openai")]
    [TestCase("azure")]
    public async Task Delete_ErasesEachIdsItemsBeforeItsConversation_AndLooksThatItIsGone(string service)
    {
        var ids = Seed(service, 4, "user-1", itemsEach: 3);
        var bystander = Seed(service, 1, "user-1", itemsEach: 2)[0];
        var file = PathFor("ids.txt");
        await File.WriteAllLinesAsync(file, ids);
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.ResetCounters();

        var run = await RunAsync(service, ["delete", "--file", file, "--user", "user-1", "--receipt", receiptPath, "--output", "json"]);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-1"), Is.Zero, "no item left stored behind a deleted conversation");
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(Exists(service, bystander, "user-1"), Is.True, "only the ids given");
            Assert.That(Emulator.GetCounters().ListPages, Is.Zero, "the ids are the operator's: no listing of the user");
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("itemsDeleted").GetInt32()), Has.All.EqualTo(3));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("gone"));
            Assert.That(summary.GetProperty("itemsDeleted").GetInt32(), Is.EqualTo(12));
            Assert.That(summary.GetProperty("verified").GetInt32(), Is.EqualTo(4));
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("notErasable").GetArrayLength(), Is.GreaterThan(0), "what the API cannot erase is said for a delete too");
        });
    }

    [Test]
    public async Task Delete_KeepItemsNoVerify_IsTheServicesPlainDelete_LeavingItemsStored()
    {
        var ids = Seed("openai", 2, "user-1", itemsEach: 4);
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.ResetCounters();

        var run = await RunAsync("openai", ["delete", .. ids, "--user", "user-1", "--keep-items", "--no-verify", "--receipt", receiptPath, "--yes"]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOpenAIConversations("user-1"), Is.Zero);
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-1"), Is.EqualTo(8), "what the item step is for");
            Assert.That(Emulator.GetCounters().Requests, Is.EqualTo(2), "one DELETE per id, nothing else");
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("not_checked"));
            Assert.That(Summary(receipt).GetProperty("verify").GetBoolean(), Is.False);
            Assert.That(run.Lines[^1], Does.Contain("items deleted 0, stored responses not checked 2, not verified (--no-verify)"), "--keep-items checks none");
        });
    }

    [Test]
    public async Task Erase_KeepItems_DeletesTheConversationsOnly_LeavingTheirItemsStored()
    {
        Seed("openai", 3, "user-1", itemsEach: 4);
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("openai", ["erase", "--user", "user-1", "--keep-items", "--receipt", receiptPath]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOpenAIConversations("user-1"), Is.Zero);
            Assert.That(Emulator.CountOrphanedOpenAIItems("user-1"), Is.EqualTo(12), "what the item step is for");
            Assert.That(Conversations(ReadReceipt(receiptPath)).Select(line => line.GetProperty("itemsDeleted").GetInt32()), Has.All.Zero);
        });
    }

    [Test]
    public async Task Erase_Dify_DeletesNoItemsItself_AndVerifiesEachConversationIsGone()
    {
        var ids = Seed("dify", 4, "user-1", itemsEach: 3);
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--receipt", receiptPath]);

        var lines = Conversations(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(lines.Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("gone"));
            Assert.That(lines.Select(line => line.GetProperty("itemsDeleted").GetInt32()), Has.All.Zero);
            Assert.That(ids.Select(id => Emulator.CountDifyMessages(id, "user-1")), Has.All.Zero);
        });
    }

    [Test]
    public async Task Erase_NoVerify_AsksForNothingAfterTheDeletes_AndSaysSo()
    {
        Seed("dify", 3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--no-verify", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("not_checked"));
            Assert.That(Summary(receipt).GetProperty("verify").GetBoolean(), Is.False);
            Assert.That(run.Lines[^1], Does.Contain("not verified (--no-verify)"));
        });
    }

    [Test]
    public async Task Erase_ADeleteAnsweredButKept_IsStillPresent_FailedInTheReceipt_AndExitsOne()
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 4);
        service.Release();
        service.KeepOnDelete = true;
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["erase", "--user", "user-1", "--receipt", receiptPath, "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Failed"));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("error").GetString()), Has.All.EqualTo("still_present"));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("still_present"));
            Assert.That(summary.GetProperty("stillPresent").GetInt32(), Is.EqualTo(4));
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(run.Lines[^1], Does.Contain("still present 4: NOT verified"));
        });
    }

    [Test]
    public async Task Erase_AVerificationThatCannotAsk_IsNotComplete_AndExitsOne()
    {
        var receiptPath = PathFor("receipt.jsonl");
        await using var service = await HeldDeletesService.StartAsync(conversations: 2);
        service.Release();
        service.FailGets = true;

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["erase", "--user", "user-1", "--max-retries", "0", "--receipt", receiptPath,
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"));
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("verification").GetString()), Has.All.EqualTo("not_checked"));
            Assert.That(Summary(receipt).GetProperty("unverified").GetInt32(), Is.EqualTo(2));
            Assert.That(Summary(receipt).GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(run.Lines[^1], Does.Contain("unverified 2: NOT verified"));
        });
    }

    [TestCase("openai")]
    [TestCase("dify")]
    public async Task Erase_ShowsWhatTheApiCannotErase_WithTheirSources(string service)
    {
        Seed(service, 1, "user-1");
        var limits = ErasureLimit.For(ConversationServicePreset.Find(service)!.CreateOptions("key", service == "dify" ? Emulator.DifyBaseAddress : Emulator.OpenAIBaseAddress));

        var text = await RunAsync(service, ["erase", "--user", "user-1"]);
        Seed(service, 1, "user-1");
        var json = await RunAsync(service, ["erase", "--user", "user-1", "--output", "json"]);

        var listed = JsonDocument.Parse(json.Output).RootElement.GetProperty("notErasable").EnumerateArray()
            .Select(limit => (limit.GetProperty("description").GetString(), limit.GetProperty("source").GetString())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(limits, Is.Not.Empty);
            Assert.That(text.Exit, Is.Zero, text.ToString());
            Assert.That(text.Output, Does.Contain("Not erasable through the API"));
            foreach (var limit in limits)
            {
                Assert.That(text.Output, Does.Contain($"  - {limit.Description} (source: {limit.Source})"));
            }

            Assert.That(text.Lines[^1], Does.StartWith("erase: listed 1, deleted 1"), "the summary line stays last");
            Assert.That(listed, Is.EqualTo(limits.Select(limit => (limit.Description, limit.Source)).ToList()));
        });
    }

    [Test]
    public async Task Resume_Erase_AfterAStillPresentLine_ErasesEveryConversationListed()
    {
        var ids = Seed("dify", 3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        // An earlier run: ids[0] reported deleted, then found still there by the verification pass; ids[1] deleted and gone.
        await File.WriteAllLinesAsync(receiptPath,
        [
            RunHeader("dify", "user-1", "erase"),
            $"{{\"id\":\"{ids[0]}\",\"outcome\":\"Deleted\",\"verification\":\"gone\"}}",
            $"{{\"id\":\"{ids[1]}\",\"outcome\":\"Deleted\",\"verification\":\"gone\"}}",
            $"{{\"id\":\"{ids[0]}\",\"outcome\":\"Failed\",\"error\":\"still_present\",\"verification\":\"still_present\"}}",
        ]);
        var resumed = PathFor("resumed.jsonl");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--resume", receiptPath, "--receipt", resumed]);

        var receipt = ReadReceipt(resumed);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids));
            Assert.That(ids.Select(id => Exists("dify", id, "user-1")), Has.All.False,
                "the still-present one, and the one the receipt calls gone that the service still lists");
            Assert.That(Summary(receipt).GetProperty("skipped").GetInt32(), Is.Zero);
            Assert.That(Summary(receipt).GetProperty("complete").GetBoolean(), Is.True);
        });
    }

    [TestCase("azure")]
    [TestCase("dify")]
    public async Task EraseExportFirst_ExportsThenErases_LeavingAConversationMadeAfterTheExport_AndIsNotComplete(string service)
    {
        var ids = Seed(service, 5, "user-1", itemsEach: 2);
        var exportPath = PathFor("alice.jsonl");
        var receiptPath = PathFor("receipt.jsonl");
        string? late = null;
        // The export's last line on standard output is where the export is complete and the erasure not begun.
        var output = new CallbackWriter(line =>
        {
            if (line.StartsWith("export:", StringComparison.Ordinal))
            {
                late = Seed(service, 1, "user-1", itemsEach: 1)[0];
            }
        });

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = KeyOf(service) }, "",
            ["erase", "--user", "user-1", "--export-first", exportPath, "--receipt", receiptPath, .. Service(service)], output);

        var receipt = ReadReceipt(receiptPath);
        var summary = Summary(receipt);
        var exported = ExportFile.Read(exportPath, "user-1");
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), "the user still has a conversation stored: " + run);
            Assert.That(late, Is.Not.Null, "seeded between the export and the erasure");
            Assert.That(exported.Conversations, Is.EqualTo(5));
            Assert.That(exported.Items, Is.EqualTo(10));
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(Exists(service, late!, "user-1"), Is.True, "not in the export: left alone");
            Assert.That(Conversations(receipt).Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids));
            Assert.That(summary.GetProperty("export").GetProperty("notExported").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("export").GetProperty("conversations").GetInt32(), Is.EqualTo(5));
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(run.Lines[^1], Does.EndWith("left 1 not in the export (made after it); NOT complete"));
            Assert.That(run.Error, Does.Contain("1 conversation").And.Contain("run erase --export-first again"));
        });
    }

    [Test]
    public async Task EraseExportFirst_WithNothingMadeAfterTheExport_IsComplete()
    {
        var ids = Seed("dify", 3, "user-1", itemsEach: 1);
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--export-first", PathFor("alice.jsonl"), "--receipt", receiptPath]);

        var summary = Summary(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(ids.Select(id => Exists("dify", id, "user-1")), Has.All.False);
            Assert.That(summary.GetProperty("export").GetProperty("notExported").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task EraseExportFirst_WhenTheExportFails_ErasesNothing_AndExitsOne()
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 150);
        service.Release();
        service.ListingsBeforeFailure = 1;
        var exportPath = PathFor("alice.jsonl");
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["erase", "--user", "user-1", "--export-first", exportPath, "--receipt", receiptPath, "--max-retries", "0",
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(service.Received, Is.Empty, "no delete was sent");
            Assert.That(service.Remaining, Is.EqualTo(150));
            Assert.That(File.Exists(exportPath), Is.False);
            Assert.That(File.Exists(exportPath + ".partial"), Is.True);
            Assert.That(run.Error, Does.Contain("nothing was erased"));
        });
    }

    [Test]
    public async Task EraseExportFirst_WithDryRun_IsAUsageError()
    {
        Seed("dify", 1, "user-1");

        var run = await RunAsync("dify", ["erase", "--user", "user-1", "--dry-run", "--export-first", PathFor("a.jsonl")]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(1));
        });
    }

    /// <summary>Standard output that tells each whole line to a callback as it is written.</summary>
    private sealed class CallbackWriter(Action<string> onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine(value ?? "");
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
