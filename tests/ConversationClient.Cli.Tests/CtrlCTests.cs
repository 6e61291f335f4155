using System.Text.Json;
using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

/// <summary>
/// Runs that stop early. Ctrl+C during delete and erase: the first press starts nothing new and lets the deletes in
/// flight finish, the second aborts them. Every id sent has a receipt line either way, also when the run breaks off.
/// </summary>
public sealed class CtrlCTests : CliTestBase
{
    private const int Concurrency = 3;

    [TestCase("delete")]
    [TestCase("erase")]
    public async Task CtrlC_Once_StartsNoNewDelete_TheDeletesInFlightFinish_EachWithItsReceiptLine(string command)
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 20);
        var receiptPath = PathFor("receipt.jsonl");
        var ctrlC = new CtrlC();

        var running = RunHeldAsync(service, command, receiptPath, ctrlC);
        await service.WaitForDeletesAsync(Concurrency);
        var listings = service.Listings;
        ctrlC.Press();
        await Task.Delay(200);
        var sentBeforeRelease = service.Received.Count;
        service.Release();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(30));

        var receipt = ReadReceipt(receiptPath);
        var lines = Conversations(receipt);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(sentBeforeRelease, Is.EqualTo(Concurrency), "nothing new is sent while the deletes in flight are held");
            // The deletes in flight, and at most the one id DeleteManyAsync had already taken to start next.
            Assert.That(service.Received, Has.Count.InRange(Concurrency, Concurrency + 1));
            Assert.That(lines.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(service.Received), "one line per id sent");
            Assert.That(lines.Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"));
            Assert.That(service.Remaining, Is.EqualTo(20 - service.Received.Count));
            Assert.That(service.Listings, Is.EqualTo(listings), "no listing after Ctrl+C");
            Assert.That(summary.GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("aborted").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("unknown").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(lines.Count));
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True, "the summary is the last line");
            Assert.That(run.Lines[^1], Does.StartWith($"{command} (stopped by Ctrl+C): "));
            Assert.That(run.Error, Does.Contain("Ctrl+C again aborts them"));
        });
    }

    [TestCase("delete")]
    [TestCase("erase")]
    public async Task CtrlC_Twice_AbortsAtOnce_EachIdInFlightHasAnUnknownLine(string command)
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 20);
        var receiptPath = PathFor("receipt.jsonl");
        var ctrlC = new CtrlC();

        var running = RunHeldAsync(service, command, receiptPath, ctrlC);
        await service.WaitForDeletesAsync(Concurrency);
        ctrlC.Press();
        ctrlC.Press();
        // Never released: the run must end without an answer to the deletes in flight.
        var run = await running.WaitAsync(TimeSpan.FromSeconds(30));

        var receipt = ReadReceipt(receiptPath);
        var lines = Conversations(receipt);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(service.Received, Has.Count.EqualTo(Concurrency));
            // Exactly the ids sent: an id the SDK had taken but not sent has no line, as nothing happened to it.
            Assert.That(lines.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(service.Received));
            Assert.That(lines.Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Unknown"));
            Assert.That(lines.Select(line => line.GetProperty("error").GetString()), Has.All.EqualTo("aborted_in_flight"));
            Assert.That(lines.Select(line => line.GetProperty("attempts").ValueKind), Has.All.EqualTo(JsonValueKind.Null));
            Assert.That(lines.Select(line => line.GetProperty("message").GetString()), Has.All.Contain("may or may not have deleted it"));
            Assert.That(summary.GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("aborted").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("unknown").GetInt32(), Is.EqualTo(lines.Count));
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True, "the summary is the last line");
            Assert.That(run.Lines[^1], Does.StartWith($"{command} (aborted by a second Ctrl+C): "));
            Assert.That(run.Lines[^1], Does.Contain($"unknown {lines.Count}"));
            Assert.That(run.Error, Does.Contain($"unknown: {service.Received.First()} (aborted in flight"));
        });
    }

    [Test]
    public async Task CtrlC_WhileWaitingForTheNextIdOnStandardInput_EndsTheRun()
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 2);
        service.Release();
        var receiptPath = PathFor("receipt.jsonl");
        var ctrlC = new CtrlC();
        using var input = new LinesThenWait(service.Conversations);

        var running = RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["delete", "-", "--receipt", receiptPath, "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
            ctrlC: ctrlC, input: input);
        await service.WaitForDeletesAsync(2);
        await input.Waiting.WaitAsync(TimeSpan.FromSeconds(20));
        ctrlC.Press();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(Conversations(ReadReceipt(receiptPath)).Select(line => line.GetProperty("outcome").GetString()), Is.EqualTo(new[] { "Deleted", "Deleted" }));
            Assert.That(Summary(ReadReceipt(receiptPath)).GetProperty("canceled").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task ReadingTheIdsFails_WhileDeletesAreInFlight_TheyFinishWithTheirLines_AndTheRunEndsWithExitOne()
    {
        await using var service = await HeldDeletesService.StartAsync(conversations: 20);
        var receiptPath = PathFor("receipt.jsonl");
        using var input = new LinesThenWait(service.Conversations.Take(Concurrency));

        var running = RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["delete", "-", "--concurrency", $"{Concurrency}", "--receipt", receiptPath,
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
            input: input);
        await service.WaitForDeletesAsync(Concurrency);
        await input.Waiting.WaitAsync(TimeSpan.FromSeconds(20));
        input.Fail(new IOException("The pipe broke."));
        await Task.Delay(200);
        Assert.That(running.IsCompleted, Is.False, "the deletes in flight are not abandoned");
        service.Release();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(30));

        var receipt = ReadReceipt(receiptPath);
        var lines = Conversations(receipt);
        var summary = Summary(receipt);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(lines.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(service.Received));
            Assert.That(lines.Select(line => line.GetProperty("outcome").GetString()), Has.All.EqualTo("Deleted"), "each finished with its real outcome");
            Assert.That(summary.GetProperty("deleted").GetInt32(), Is.EqualTo(Concurrency));
            Assert.That(summary.GetProperty("inputError").GetString(), Is.EqualTo("The pipe broke."));
            Assert.That(summary.GetProperty("canceled").GetBoolean(), Is.False);
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True, "the summary is the last line");
            Assert.That(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "one line on standard error, no stack trace");
            Assert.That(run.Error, Does.StartWith("conversations: reading the ids failed").And.Contain("The pipe broke."));
            Assert.That(run.Lines[^1], Does.StartWith("delete (reading the ids failed): deleted 3,"));
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
        var ctrlC = new CtrlC();
        var output = new CtrlCAfterLines(ctrlC, lines: 20);

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, "",
            ["delete", "--file", file, "--user", "user-1", "--receipt", receiptPath, .. Service("dify")], output, ctrlC: ctrlC);

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
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(300 - lines.Count), "what is deleted has a line");
            Assert.That(Summary(receipt).GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(receipt[^1].TryGetProperty("summary", out _), Is.True);
        });
    }

    [Test]
    public async Task CtrlC_DuringErase_ExitsWith130_WhatIsDeletedHasALine()
    {
        Seed("dify", 200, "user-1");
        Emulator.SetFaults(new ServiceFaultOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var receiptPath = PathFor("receipt.jsonl");
        var ctrlC = new CtrlC();

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = Emulator.DifyApiKey }, "",
            ["erase", "--user", "user-1", "--receipt", receiptPath, "--page-size", "20", .. Service("dify")],
            new CtrlCAfterLines(ctrlC, lines: 30), ctrlC: ctrlC);

        var lines = Conversations(ReadReceipt(receiptPath));
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(130), run.ToString());
            Assert.That(Summary(ReadReceipt(receiptPath)).GetProperty("canceled").GetBoolean(), Is.True);
            Assert.That(Emulator.CountDifyConversations("user-1"), Is.EqualTo(200 - lines.Count));
        });
    }

    /// <summary>Runs <paramref name="command"/> (delete of all its conversations, or erase) on the held service, <see cref="Concurrency"/> at a time.</summary>
    private Task<CliRun> RunHeldAsync(HeldDeletesService service, string command, string receiptPath, CtrlC ctrlC)
    {
        string[] what = command == "delete"
            ? ["delete", .. service.Conversations]
            : ["erase", "--user", "user-1", "--page-size", "5"];
        return RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            [.. what, "--concurrency", $"{Concurrency}", "--receipt", receiptPath,
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
            ctrlC: ctrlC);
    }

    /// <summary>Standard output that presses Ctrl+C once it has seen a number of lines.</summary>
    private sealed class CtrlCAfterLines(CtrlC ctrlC, int lines) : StringWriter
    {
        private int _seen;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (++_seen == lines)
            {
                ctrlC.Press();
            }
        }
    }

    /// <summary>
    /// Standard input that gives some lines and then waits for the next one until <see cref="Fail"/>, ignoring
    /// cancellation, as a console stream does: the tool must stop waiting on Ctrl+C by itself.
    /// </summary>
    private sealed class LinesThenWait(IEnumerable<string> lines) : TextReader
    {
        private readonly Queue<string> _lines = new(lines);
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string?> _next = new();

        /// <summary>Completes when the tool waits for a line that never comes.</summary>
        public Task Waiting => _waiting.Task;

        /// <summary>Ends the wait for the next line with <paramref name="exception"/>.</summary>
        public void Fail(Exception exception) => _next.TrySetException(exception);

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            if (_lines.TryDequeue(out var line))
            {
                return ValueTask.FromResult<string?>(line);
            }

            _waiting.TrySetResult();
            return new ValueTask<string?>(_next.Task);
        }
    }
}
