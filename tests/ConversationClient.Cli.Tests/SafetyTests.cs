using ConversationClient.Emulator;
using ConversationClient.Testing;

namespace ConversationClient.Cli.Tests;

/// <summary>Confirmation on non-loopback addresses, usage errors (exit 2), and secrets kept out of every output.</summary>
public sealed class SafetyTests : CliTestBase
{
    // TEST-NET-1 (RFC 5737): not loopback and never routed, so a request sent by mistake could not succeed quietly.
    private const string RemoteUrl = "http://192.0.2.1/v1";

    [TestCase("erase", "--user", "user-1")]
    [TestCase("delete", "conv_1", "conv_2", "--user", "user-1")]
    public async Task NonLoopbackAddress_WithoutYes_Refuses_SendsNothing_WritesNoReceipt(params string[] command)
    {
        var receiptPath = PathFor("receipt.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "app-key" }, "",
            [.. command, "--service", "dify", "--base-url", RemoteUrl, "--api-key-env", KeyVariable, "--receipt", receiptPath,
             "--attempt-timeout", "0.5", "--max-retries", "0"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error.TrimEnd(), Is.EqualTo("conversations: 192.0.2.1 is not a loopback address: pass --yes to confirm; nothing was deleted."));
            Assert.That(run.Output, Is.Empty);
            Assert.That(File.Exists(receiptPath), Is.False);
        });
    }

    [Test]
    public async Task NonLoopbackAddress_OnATerminal_AsksAndRefusesWithoutAYes()
    {
        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "app-key" }, "no\n",
            ["erase", "--user", "user-1", "--service", "dify", "--base-url", RemoteUrl, "--api-key-env", KeyVariable],
            inputIsTerminal: true);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error, Does.Contain("Type 'yes' to go on"));
            Assert.That(run.Error, Does.Contain("Not confirmed; nothing was deleted."));
        });
    }

    [Test]
    public async Task LoopbackAddress_NeedsNoYes()
    {
        var ids = Seed("dify", 2, "user-1");

        var run = await RunAsync("dify", ["delete", ids[0], ids[1], "--user", "user-1"]);

        Assert.That(run.Exit, Is.Zero, run.ToString());
    }

    [TestCase(new[] { "delete", "conv_1", "--bogus", "--user", "u" }, "--bogus")]
    [TestCase(new[] { "erase" }, "--user")]
    [TestCase(new[] { "list" }, "--user")]
    [TestCase(new[] { "delete", "--user", "u" }, "No ids")]
    [TestCase(new[] { "frobnicate" }, "frobnicate")]
    [TestCase(new[] { "delete", "conv_1", "--user", "u", "--concurrency", "0" }, "--concurrency must be from 1 to 64")]
    [TestCase(new[] { "delete", "conv_1", "--user", "u", "--service", "mistral" }, "mistral")]
    [TestCase(new[] { "delete", "conv_1", "--user", "u", "--resume", "/nonexistent/receipt.jsonl" }, "does not exist")]
    [TestCase(new[] { "delete", "conv_1", "--user", "u", "--attempt-timeout", "0" }, "--attempt-timeout")]
    [TestCase(new[] { "delete", "conv_1", "--user", "u", "--base-url", "http://127.0.0.1:1/v1" }, "need --service")]
    [TestCase(new[] { "erase", "--user", "u", "--page-size", "101" }, "--page-size must be from 1 to 100")]
    public async Task UsageErrors_ExitTwo_WithOneLine_AndNoStackTrace(string[] args, string expected)
    {
        var run = await RunWithAsync(new Dictionary<string, string>
        {
            ["DIFY_API_KEY"] = Emulator.DifyApiKey,
            ["DIFY_BASE_URL"] = Emulator.DifyBaseAddress.AbsoluteUri,
        }, "", args);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.Error);
            Assert.That(run.Error, Does.StartWith("conversations: "));
            Assert.That(run.Error, Does.Contain(expected));
            Assert.That(run.Error, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public async Task NoKeyInTheEnvironment_ExitsTwo_NamingTheVariable()
    {
        var run = await RunWithAsync(new Dictionary<string, string>(), "",
            ["delete", "conv_1", "--service", "openai", "--base-url", Emulator.OpenAIBaseAddress.AbsoluteUri]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error.TrimEnd(), Is.EqualTo("conversations: No key for openai: set the environment variable OPENAI_API_KEY (or use --token-command)."));
        });
    }

    [Test]
    public async Task DifyWithoutUser_ExitsTwo()
    {
        var run = await RunAsync("dify", ["delete", "conv_1"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error, Does.Contain("Dify needs --user"));
        });
    }

    [Test]
    public async Task TheKey_IsNeverPrinted_NotInOutputErrorsOrReceipt()
    {
        const string key = "app-secret-key-never-printed-1234";
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions { DifyApiKey = key });
        var ids = emulator.SeedDifyConversations(3, "user-1");
        var receiptPath = PathFor("receipt.jsonl");
        var environment = new Dictionary<string, string> { [KeyVariable] = key };
        string[] service = ["--service", "dify", "--base-url", emulator.DifyBaseAddress.AbsoluteUri, "--api-key-env", KeyVariable];
        emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, Method = "DELETE", StatusCode = 500 });

        var runs = new List<CliRun>
        {
            await RunWithAsync(environment, "", ["delete", .. ids, "conv_x", "--user", "user-1", "--receipt", receiptPath, "--max-retries", "0", .. service]),
            await RunWithAsync(environment, "", ["list", "--user", "user-1", .. service]),
            await RunWithAsync(environment, "", ["erase", "--user", "user-1", "--dry-run", .. service]),
            await RunWithAsync(environment, "", ["erase", "--user", "user-1", "--receipt", receiptPath, "--output", "json", .. service]),
            await RunWithAsync(environment, "", ["delete", "--help"]),
            // A wrong key (the service answers 401) and a usage error.
            await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = key + "-wrong" }, "", ["delete", "conv_1", "--user", "user-1", "--receipt", receiptPath, .. service]),
            await RunWithAsync(environment, "", ["delete", "conv_1", "--user", "user-1", "--concurrency", "100", .. service]),
        };

        Assert.Multiple(() =>
        {
            Assert.That(runs[0].Exit, Is.EqualTo(1), runs[0].ToString());
            Assert.That(runs[5].Exit, Is.EqualTo(1), runs[5].ToString());
            foreach (var run in runs)
            {
                Assert.That(run.Output, Does.Not.Contain(key));
                Assert.That(run.Error, Does.Not.Contain(key));
            }

            Assert.That(File.ReadAllText(receiptPath), Does.Not.Contain(key));
        });
    }

    [Test]
    public async Task Help_SaysSecretsNeverComeFromTheCommandLine_AndHowTheTokenCommandWorks()
    {
        var run = await RunWithAsync(new Dictionary<string, string>(), "", ["delete", "--help"]);
        var root = await RunWithAsync(new Dictionary<string, string>(), "", ["--help"]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero);
            Assert.That(run.Output, Does.Contain("--token-command"));
            Assert.That(run.Output, Does.Contain("run again every 5 minutes"));
            Assert.That(run.Output, Does.Contain("--api-key-env"));
            Assert.That(run.Output, Does.Contain("--receipt"));
            Assert.That(root.Output, Does.Contain("Secrets are never taken from the command line"));
            Assert.That(root.Output, Does.Contain("Exit codes"));
        });
    }

    [TestCase("--help")]
    [TestCase("delete", "--help")]
    [TestCase("erase", "--help")]
    [TestCase("list", "--help")]
    public async Task Help_NamesTheInstalledCommand_Conversations(params string[] args)
    {
        var run = await RunWithAsync(new Dictionary<string, string>(), "", args);
        var usage = args.Length == 1 ? "conversations [command] [options]" : $"conversations {args[0]} ";

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(run.Output, Does.Contain("Usage:" + Environment.NewLine + "  " + usage), run.Output);
            Assert.That(run.Output, Does.Not.Contain("ConversationClient.Cli"));
            Assert.That(run.Output, Does.Not.Contain(RootCommandNameOfThisProcess()));
        });
    }

    /// <summary>What System.CommandLine names a root command after: this process's entry (testhost, or the tool's dll).</summary>
    private static string RootCommandNameOfThisProcess() => new System.CommandLine.RootCommand().Name;
}
