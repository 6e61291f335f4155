using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

public sealed class TokenAndCancellationTests : CliTestBase
{
    [Test]
    public async Task TokenCommand_ItsOutputIsTheBearerToken_RunOnceForManyDeletes()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the command is a POSIX shell line");
        var ids = Seed("openai", 5, "user-1");
        var runs = PathFor("runs.txt");
        var command = $"echo run >> '{runs}'; printf '%s\\n' '{Emulator.OpenAIApiKey}'";

        var run = await RunWithAsync(new Dictionary<string, string>(), "",
            ["delete", .. ids, "--user", "user-1", "--service", "openai", "--base-url", Emulator.OpenAIBaseAddress.AbsoluteUri, "--token-command", command]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(Emulator.CountOpenAIConversations("user-1"), Is.Zero);
            Assert.That(File.ReadAllLines(runs), Has.Length.EqualTo(1), "the token is cached");
            Assert.That(run.Output + run.Error, Does.Not.Contain(Emulator.OpenAIApiKey));
        });
    }

    [Test]
    public async Task TokenCommand_ThatFails_FailsTheDeletes_WithoutPrintingItsOutput()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the command is a POSIX shell line");
        var id = Seed("dify", 1, "user-1")[0];
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string>(), "",
            ["delete", id, "--user", "user-1", "--service", "dify", "--base-url", Emulator.DifyBaseAddress.AbsoluteUri,
             "--token-command", "echo secret-output; exit 3", "--receipt", receiptPath]);

        var line = Conversations(ReadReceipt(receiptPath)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(line.GetProperty("error").GetString(), Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
            Assert.That(run.Output + run.Error + File.ReadAllText(receiptPath), Does.Not.Contain("secret-output"));
            Assert.That(Exists("dify", id, "user-1"), Is.True);
        });
    }

    [Test]
    public async Task CtrlC_MidRun_ExitsWith130_ReceiptHoldsEveryFinishedDelete()
    {
        var ids = Seed("dify", 300, "user-1");
        var file = PathFor("ids.txt");
        await File.WriteAllLinesAsync(file, ids);
        Emulator.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var receiptPath = PathFor("receipt.jsonl");
        using var cancellation = new CancellationTokenSource();
        var output = new CancelAfterLines(cancellation, lines: 20);

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, "",
            ["delete", "--file", file, "--user", "user-1", "--receipt", receiptPath, .. Service("dify")], output, cancellationToken: cancellation.Token);

        var receipt = ReadReceipt(receiptPath);
        var lines = Conversations(receipt);
        var deleted = lines.Where(line => line.GetProperty("outcome").GetString() == "Deleted")
            .Select(line => line.GetProperty("id").GetString()!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(lines, Has.Count.GreaterThanOrEqualTo(20).And.Count.LessThan(300));
            Assert.That(deleted, Has.Count.EqualTo(lines.Count), "every finished delete is Deleted");
            Assert.That(deleted.Select(id => Exists("dify", id, "user-1")), Has.All.False, "what the receipt says is deleted is deleted");
            Assert.That(Summary(receipt).GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True);
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.GreaterThan(0), "it stopped before the end");
        });
    }

    [Test]
    public async Task CtrlC_DuringErase_ExitsWith130()
    {
        Seed("dify", 200, "user-1");
        Emulator.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var receiptPath = PathFor("receipt.jsonl");
        using var cancellation = new CancellationTokenSource();

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, "",
            ["erase", "--user", "user-1", "--receipt", receiptPath, "--page-size", "20", .. Service("dify")],
            new CancelAfterLines(cancellation, lines: 30), cancellationToken: cancellation.Token);

        var lines = Conversations(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(Summary(ReadReceipt(receiptPath)).GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(200 - lines.Count));
        });
    }

    /// <summary>Standard output that presses Ctrl+C (cancels) once it has seen a number of lines.</summary>
    private sealed class CancelAfterLines(CancellationTokenSource cancellation, int lines) : StringWriter
    {
        private int _seen;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (++_seen == lines)
            {
                cancellation.Cancel();
            }
        }
    }
}
