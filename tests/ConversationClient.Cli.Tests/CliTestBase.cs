using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConversationClient.Emulator;

namespace ConversationClient.Cli.Tests;

/// <summary>Starts a fresh emulator per test and runs the tool's entry point (CliApp) against it on string writers.</summary>
public abstract class CliTestBase
{
    /// <summary>A key variable name of the tests' own, so that no real variable of the machine is read.</summary>
    protected const string KeyVariable = "CLI_TEST_KEY";

    protected ConversationEmulator Emulator { get; private set; } = null!;

    protected string WorkDirectory { get; private set; } = null!;

    [SetUp]
    public async Task StartEmulator()
    {
        Emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions { OpenAIPublicListing = true });
        WorkDirectory = Directory.CreateTempSubdirectory("conversations-cli-").FullName;
    }

    [TearDown]
    public async Task StopEmulator()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    protected string PathFor(string name) => Path.Combine(WorkDirectory, name);

    /// <summary>The options that point the tool at one dialect of the emulator (its key in <see cref="KeyVariable"/>).</summary>
    protected string[] Service(string service) => service switch
    {
        "openai" => ["--service", "openai", "--base-url", Emulator.OpenAIBaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
        "azure" => ["--service", "azure", "--base-url", Emulator.AzureBaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
        "dify" => ["--service", "dify", "--base-url", Emulator.DifyBaseAddress.AbsoluteUri, "--api-key-env", KeyVariable],
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    protected string KeyOf(string service) => service == "dify" ? Emulator.DifyApiKey : Emulator.OpenAIApiKey;

    /// <summary>Seeds conversations of <paramref name="user"/> on a dialect, each with <paramref name="itemsEach"/> items (Dify: messages); returns their ids.</summary>
    protected IReadOnlyList<string> Seed(string service, int count, string user, int itemsEach = 0) =>
        service == "dify" ? Emulator.SeedDifyConversations(count, user, itemsEach) : Emulator.SeedOpenAIConversations(count, user, itemsEach);

    /// <summary>A client of the emulator's dialect, as the tool makes it (to read what the SDK sees).</summary>
    protected IConversationClient ClientOf(string service)
    {
        var preset = ConversationServicePreset.Find(service)!;
        var address = service switch
        {
            "openai" => Emulator.OpenAIBaseAddress,
            "azure" => Emulator.AzureBaseAddress,
            _ => Emulator.DifyBaseAddress,
        };
        return ConversationClientFactory.Create(preset.CreateOptions(KeyOf(service), address));
    }

    /// <summary>
    /// The line a run writes at the start of its part of a receipt, as a run of <paramref name="command"/> for
    /// <paramref name="user"/> on a dialect of the emulator writes it (the user as the hex SHA-256 of its id).
    /// </summary>
    protected string RunHeader(string service, string user, string command = "delete") =>
        $"{{\"run\":true,\"command\":\"{command}\",\"service\":\"{service}\",\"host\":\"{Emulator.OpenAIBaseAddress.Host}\","
        + $"\"user_sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user)))}\",\"time\":\"2026-12-01T10:00:00.000Z\"}}";

    protected bool Exists(string service, string id, string user) =>
        service == "dify" ? Emulator.DifyConversationExists(id, user) : Emulator.OpenAIConversationExists(id, user);

    protected Task<CliRun> RunAsync(string service, params string[] args) =>
        RunWithAsync(new Dictionary<string, string> { [KeyVariable] = KeyOf(service) }, stdin: "", [.. args, .. Service(service)]);

    /// <summary>
    /// Runs the tool on string writers (synchronized, as Ctrl+C writes from the thread that presses it).
    /// <paramref name="ctrlC"/> is the Ctrl+C the test presses; <paramref name="input"/>, when given, is standard input
    /// instead of <paramref name="stdin"/>.
    /// </summary>
    private protected static async Task<CliRun> RunWithAsync(IReadOnlyDictionary<string, string> environment, string stdin, string[] args,
        TextWriter? output = null, bool inputIsTerminal = false, bool outputIsTerminal = false, CtrlC? ctrlC = null, TextReader? input = null)
    {
        var outWriter = output ?? new StringWriter();
        var errWriter = new StringWriter();
        var console = new CliConsole(input ?? new StringReader(stdin), TextWriter.Synchronized(outWriter), TextWriter.Synchronized(errWriter),
            name => environment.TryGetValue(name, out var value) ? value : null, InputIsTerminal: inputIsTerminal, OutputIsTerminal: outputIsTerminal)
        {
            CtrlC = ctrlC ?? new CtrlC(),
        };
        var exit = await CliApp.RunAsync(args, console);
        return new CliRun(exit, outWriter.ToString()!, errWriter.ToString());
    }

    /// <summary>The receipt's lines, parsed; each must be one JSON object.</summary>
    protected static List<JsonElement> ReadReceipt(string path) =>
        File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    protected static List<JsonElement> Conversations(List<JsonElement> receipt) =>
        receipt.Where(line => line.TryGetProperty("id", out _)).ToList();

    protected static JsonElement Summary(List<JsonElement> receipt) =>
        receipt.Single(line => line.TryGetProperty("summary", out _));

    protected sealed record CliRun(int Exit, string Output, string Error)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {Exit}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
