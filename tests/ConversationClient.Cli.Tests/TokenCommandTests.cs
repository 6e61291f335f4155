namespace ConversationClient.Cli.Tests;

public sealed class TokenCommandTests : CliTestBase
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
    public async Task TokenCommand_ThatFails_ReportsItsExitCodeAndFirstErrorLine_NeverItsOutput()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the command is a POSIX shell line");
        var id = Seed("openai", 1, "user-1")[0];
        var receiptPath = PathFor("receipt.jsonl");
        const string command = "echo secret-output; echo 'ERROR: Please run az login to set up an account.' >&2; echo second-line >&2; exit 3";

        var delete = await RunWithAsync(new Dictionary<string, string>(), "",
            ["delete", id, "--user", "user-1", "--service", "openai", "--base-url", Emulator.OpenAIBaseAddress.AbsoluteUri,
             "--token-command", command, "--receipt", receiptPath]);
        var list = await RunWithAsync(new Dictionary<string, string>(), "",
            ["list", "--user", "user-1", "--service", "openai", "--base-url", Emulator.OpenAIBaseAddress.AbsoluteUri, "--token-command", command]);

        const string expected = "The token command exited with code 3: ERROR: Please run az login to set up an account.";
        var line = Conversations(ReadReceipt(receiptPath)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(delete.Exit, Is.EqualTo(1), delete.ToString());
            Assert.That(line.GetProperty("error").GetString(), Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
            Assert.That(line.GetProperty("message").GetString(), Does.Contain(expected));
            Assert.That(delete.Error, Does.Contain(expected));
            Assert.That(list.Exit, Is.EqualTo(1), list.ToString());
            Assert.That(list.Error, Does.Contain(expected));
            foreach (var text in new[] { delete.Output, delete.Error, list.Output, list.Error, File.ReadAllText(receiptPath) })
            {
                Assert.That(text, Does.Not.Contain("secret-output"));
                Assert.That(text, Does.Not.Contain("second-line"));
            }
        });
    }
}
