using System.Text.Json;
using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

public sealed class DeleteTests : CliTestBase
{
    [TestCase("openai")]
    [TestCase("azure")]
    [TestCase("dify")]
    public async Task Delete_IdsAsArguments_DeletesThem_ReceiptHasOneLinePerIdAndASummary(string service)
    {
        var ids = Seed(service, 3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync(service, ["delete", ids[0], ids[1], ids[2], "6f1c0d2e-9a4b-4c1d-8e2f-000000000404", "--user", "user-1", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        var lines = Conversations(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(ids.Select(id => Exists(service, id, "user-1")), Has.All.False);
            Assert.That(receipt, Has.Count.EqualTo(6), "the run's header, 4 ids and the summary");
            Assert.That(receipt[0].GetProperty("run").GetBoolean(), Is.True, "the run's header is the first line");
            Assert.That(receipt[^1].GetProperty("summary").GetBoolean(), Is.True, "the summary is the last line");
            Assert.That(lines.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids.Append("6f1c0d2e-9a4b-4c1d-8e2f-000000000404")));
            Assert.That(run.Lines, Does.Contain($"Deleted {ids[0]}"), "plain lines when redirected");
            Assert.That(run.Lines, Does.Contain("NotFound 6f1c0d2e-9a4b-4c1d-8e2f-000000000404"));
        });

        var deleted = lines.First(line => line.GetProperty("id").GetString() == ids[0]);
        var notFound = lines.Single(line => line.GetProperty("id").GetString() == "6f1c0d2e-9a4b-4c1d-8e2f-000000000404");
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(deleted.GetProperty("outcome").GetString(), Is.EqualTo("Deleted"));
            Assert.That(deleted.GetProperty("status").GetInt32(), Is.EqualTo(service == "dify" ? 204 : 200));
            Assert.That(deleted.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(deleted.GetProperty("requestId").GetString(), Is.Not.Empty);
            Assert.That(deleted.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
            Assert.That(deleted.GetProperty("time").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(deleted.GetProperty("time").GetString(), Does.EndWith("Z"));
            Assert.That(notFound.GetProperty("outcome").GetString(), Is.EqualTo("NotFound"));
            Assert.That(notFound.GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(notFound.GetProperty("error").GetString(), Is.Not.Empty);
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("notFound").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("failed").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("canceled").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task Delete_AnIdRepeatedAnywhereInTheInput_IsDeletedOnce_WithOneReceiptLine()
    {
        var ids = Seed("dify", 2, "user-1");
        // Between the repeats, 70,000 ids the SDK refuses without sending them (a control character): cheap, yet they
        // are part of the one stream of ids, as far apart as 65,536-id chunks were.
        var far = Enumerable.Range(0, 70_000).Select(i => $"bad\u0001{i}");
        var file = PathFor("ids.txt");
        await File.WriteAllLinesAsync(file, [ids[0], ids[1], ids[0], .. far, ids[0], ids[1]]);
        var receiptPath = PathFor("receipt.jsonl");
        Emulator.ResetCounters();

        var run = await RunAsync("dify", ["delete", "--file", file, "--user", "user-1", "--receipt", receiptPath, "--output", "json"]);

        var lines = Conversations(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), "the refused ids failed");
            Assert.That(Emulator.GetCounters().DeleteRequests, Is.EqualTo(2), "each of the two conversations is sent once");
            Assert.That(lines, Has.Count.EqualTo(70_002));
            Assert.That(lines.Where(line => line.GetProperty("id").GetString() == ids[0]).Select(line => line.GetProperty("outcome").GetString()),
                Is.EqualTo(new[] { "Deleted" }));
            Assert.That(lines.Where(line => line.GetProperty("id").GetString() == ids[1]).Select(line => line.GetProperty("outcome").GetString()),
                Is.EqualTo(new[] { "Deleted" }));
            Assert.That(lines.Count(line => line.GetProperty("error").GetString() == "invalid_id"), Is.EqualTo(70_000));
        });
    }

    [Test]
    public async Task Delete_ReceiptInFoldersThatDoNotExist_CreatesThem()
    {
        var id = Seed("dify", 1, "user-1")[0];
        var receiptPath = Path.Combine(WorkDirectory, "receipts", "2026", "user-42.jsonl");

        var run = await RunAsync("dify", ["delete", id, "--user", "user-1", "--receipt", receiptPath]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Conversations(ReadReceipt(receiptPath)).Single().GetProperty("outcome").GetString(), Is.EqualTo("Deleted"));
            Assert.That(Exists("dify", id, "user-1"), Is.False);
        });
    }

    [Test]
    public async Task Delete_AReceiptAnotherRunIsWriting_IsRefusedBeforeAnythingIsDeleted()
    {
        // Two runs appending to one receipt at once overwrite each other's lines: the second is refused.
        var id = Seed("dify", 1, "user-1")[0];
        var receiptPath = PathFor("receipt.jsonl");
        using (var otherRun = Receipt.Open(receiptPath))
        {
            var run = await RunAsync("dify", ["delete", id, "--user", "user-1", "--receipt", receiptPath]);

            Assert.Multiple(() =>
            {
                Assert.That(run.Exit, Is.EqualTo(ExitCodes.UsageError), run.ToString());
                Assert.That(run.Error, Does.Contain($"Cannot write the receipt {receiptPath}"));
                Assert.That(Exists("dify", id, "user-1"), Is.True, "nothing deleted");
            });
        }

        var after = await RunAsync("dify", ["delete", id, "--user", "user-1", "--receipt", receiptPath]);
        Assert.That(after.Exit, Is.Zero, "once the other run has closed it, the receipt is written again: " + after);
    }

    [Test]
    public async Task Delete_ReceiptIntoANamedPipe_IsWrittenThere()
    {
        // A receipt sent to another program (a named pipe, or the shell's >(gzip > receipt.gz)) cannot be read back or
        // sought in: the check for a line cut short by a crash is for a file, and must neither hang nor throw here.
        Assume.That(OperatingSystem.IsWindows(), Is.False, "mkfifo is POSIX");
        var id = Seed("dify", 1, "user-1")[0];
        var pipe = PathFor("receipt.pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
        }

        // Another program reads it, as gzip would: a .NET reader would take a shared lock, which the run's own refuses.
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [pipe]) { RedirectStandardOutput = true })!;
        var reader = cat.StandardOutput.ReadToEndAsync();

        // On a task of its own: a run that hangs opening the pipe fails the test instead of holding it.
        var run = await Task.Run(() => RunAsync("dify", ["delete", id, "--user", "user-1", "--receipt", pipe])).WaitAsync(TimeSpan.FromSeconds(30));
        var receipt = (await reader.WaitAsync(TimeSpan.FromSeconds(30))).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(receipt, Has.Length.EqualTo(3), "the run's header, the conversation's line and the summary");
            Assert.That(receipt[1], Does.StartWith($"{{\"id\":\"{id}\",\"outcome\":\"Deleted\""));
            Assert.That(Exists("dify", id, "user-1"), Is.False);
        });
    }

    [Test]
    public async Task Delete_IdsFromStandardInput_DeletesEach()
    {
        var ids = Seed("dify", 5, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        var stdin = string.Join("\n", ids.Append("").Append("# a comment")) + "\n";

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, stdin,
            ["delete", "-", "--user", "user-1", "--receipt", receiptPath, .. Service("dify")]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.Zero);
            Assert.That(Conversations(ReadReceipt(receiptPath)).Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids));
        });
    }

    [Test]
    public async Task Delete_IdsFromAFile_AndOutputJson_PrintsOnlyTheSummary()
    {
        var ids = Seed("openai", 4, "user-1");
        var file = PathFor("ids.txt");
        await File.WriteAllLinesAsync(file, ids);

        var run = await RunAsync("openai", ["delete", "--file", file, "--user", "user-1", "--output", "json"]);

        var summary = JsonDocument.Parse(run.Output).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(run.Lines, Has.Length.EqualTo(1));
            Assert.That(summary.GetProperty("command").GetString(), Is.EqualTo("delete"));
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(4));
            Assert.That(Emulator.CountOpenAIConversations("user-1"), Is.Zero);
        });
    }

    [Test]
    public async Task Delete_SomeFail_ExitsOne_FailedIdsInTheReceiptAndOnStandardError()
    {
        var ids = Seed("dify", 3, "user-1");
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE", StatusCode = 503 });
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("dify", ["delete", .. ids, "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", "--concurrency", "1"]);

        var failed = Conversations(ReadReceipt(receiptPath)).Single(line => line.GetProperty("outcome").GetString() == "Failed");
        var failedId = failed.GetProperty("id").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(failed.GetProperty("status").GetInt32(), Is.EqualTo(503));
            Assert.That(failed.GetProperty("error").GetString(), Is.Not.Empty);
            Assert.That(failed.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain($"failed: {failedId} (503"));
            Assert.That(Exists("dify", failedId, "user-1"), Is.True);
            Assert.That(Summary(ReadReceipt(receiptPath)).GetProperty("failed").GetInt32(), Is.EqualTo(1));
            // The deletes that went through are verified; the run is not complete, and its last words say so.
            Assert.That(run.Lines[^1], Does.EndWith("still present 0: verified; NOT complete"));
        });
    }

    [Test]
    public async Task Delete_RetriesAreCountedInTheReceipt()
    {
        var id = Seed("openai", 1, "user-1")[0];
        Emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE", StatusCode = 503 });
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunAsync("openai", ["delete", id, "--user", "user-1", "--receipt", receiptPath]);

        var receipt = ReadReceipt(receiptPath);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Conversations(receipt)[0].GetProperty("attempts").GetInt32(), Is.EqualTo(2));
            Assert.That(Summary(receipt).GetProperty("retries").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Delete_FromTheQuickStartsEnvironmentVariables_WithoutServiceOptions()
    {
        var ids = Seed("dify", 2, "user-1");

        var run = await RunWithAsync(new Dictionary<string, string>
        {
            ["DIFY_API_KEY"] = Emulator.DifyApiKey,
            ["DIFY_BASE_URL"] = Emulator.DifyBaseAddress.AbsoluteUri,
        }, "", ["delete", ids[0], ids[1], "--user", "user-1"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.Zero);
        });
    }

    [Test]
    public async Task Delete_AzureEndpointVariable_GetsOpenAIV1Appended()
    {
        var id = Seed("azure", 1, "user-1")[0];

        var run = await RunWithAsync(new Dictionary<string, string>
        {
            ["AZURE_OPENAI_API_KEY"] = Emulator.OpenAIApiKey,
            ["AZURE_OPENAI_ENDPOINT"] = Emulator.BaseAddress.AbsoluteUri,
        }, "", ["delete", id, "--user", "user-1"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Exists("azure", id, "user-1"), Is.False);
        });
    }

    [Test]
    public async Task Delete_OnATerminal_ShowsAStatusLineInsteadOfALinePerId()
    {
        var ids = Seed("dify", 3, "user-1");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, "",
            ["delete", .. ids, "--user", "user-1", .. Service("dify")], outputIsTerminal: true);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(run.Output, Does.Not.Contain("Deleted "));
            Assert.That(run.Output.Split('\r', '\n').Last(line => line.Trim().Length > 0),
                Does.Match(@"^delete: deleted 3, not found 0, failed 0, retries 0, [0-9.]+/s, items deleted 0, gone 3, still present 0: verified$"));
        });
    }

    [Test]
    public async Task Delete_EveryIdNotFound_SaysToCheckTheUser_OnStandardError()
    {
        var ids = Seed("dify", 2, "owner");

        var wrongUser = await RunAsync("dify", ["delete", .. ids, "--user", "someone-else"]);
        var rightUser = await RunAsync("dify", ["delete", .. ids, "--user", "owner"]);

        Assert.Multiple(() =>
        {
            Assert.That(wrongUser.Exit, Is.Zero, wrongUser.ToString());
            Assert.That(wrongUser.Error, Does.Contain("none of the 2 ids was found for this user; if they exist, check --user"));
            Assert.That(wrongUser.Error, Does.Not.Contain("someone-else"), "the user id is never printed");
            Assert.That(rightUser.Error, Does.Not.Contain("check --user"));
            Assert.That(Exists("dify", ids[0], "owner"), Is.False);
        });
    }
}
