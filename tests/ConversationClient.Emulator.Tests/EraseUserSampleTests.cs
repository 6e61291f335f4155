using System.Text.Json;
using EraseUser;
using Spectre.Console;

namespace ConversationClient.Emulator.Tests;

/// <summary>Runs the EraseUser sample's entry logic end to end and reads its report.</summary>
public sealed class EraseUserSampleTests
{
    private static async Task<(int Exit, string Output)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        var exit = await EraseUserApp.RunAsync(args, name => environment.GetValueOrDefault(name), console);
        return (exit, output.ToString());
    }

    [Test]
    public async Task NoConfiguration_ErasesTheDemoUserOnTheEmulatorDespiteFaults_AndPrintsItemsVerificationAndWhatTheApiCannotErase()
    {
        var (exit, output) = await RunAsync([], []);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Match(@"│ 300\s+│ 300\s+│ 0\s+│ 0\s+│ yes"));
        Assert.That(output, Does.Contain("none is left on the service"));
        Assert.That(output, Does.Match(@"Erasing: 300 deleted, 0 not found, 0 failed of 300 found \(\d+ retr(y|ies)\)"));
        Assert.That(output, Does.Match(@"│ 300\s+│ 300\s+│ 0\s+│ 0\s+│ yes\s+│ 0\s+│ yes\s+│ 0\s+│"), "Dify deletes messages itself: 0 items; verified");
        Assert.That(output, Does.Contain("Not erasable through the API:"));
        foreach (var limit in ErasureLimit.For(ConversationServicePreset.Dify.CreateOptions("key", new Uri("http://127.0.0.1/v1/"))))
        {
            Assert.That(Flat(output), Does.Contain(Flat($"- {limit.Description} (source: {limit.Source})")));
        }
    }

    [Test]
    public async Task ExportFirst_WritesTheUsersConversationsWithTheirMessages_ThenErasesThem()
    {
        var folder = Directory.CreateTempSubdirectory("erase-user-sample-").FullName;
        try
        {
            var path = Path.Combine(folder, "demo-user.jsonl");

            var (exit, output) = await RunAsync(["--export-first", path], []);

            var lines = File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain($"Exported 300 conversations to {path}."));
            Assert.That(output, Does.Contain("none is left on the service"));
            Assert.That(lines[0].GetProperty("type").GetString(), Is.EqualTo("header"));
            Assert.That(lines[0].GetProperty("user_sha256").GetString(), Has.Length.EqualTo(64));
            Assert.That(File.ReadAllText(path), Does.Not.Contain("demo-user"), "the user id is never in the file");
            Assert.That(lines[1..^1].Select(line => line.GetProperty("items").GetArrayLength()), Has.All.EqualTo(2));
            Assert.That(lines, Has.Count.EqualTo(302));
            Assert.That(lines[1].GetProperty("items")[0].TryGetProperty("answer", out _), Is.True, "each message's JSON as Dify sent it");
            Assert.That(lines[^1].GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(lines[^1].GetProperty("items").GetInt32(), Is.EqualTo(600));
            Assert.That(File.Exists(path + ".partial"), Is.False);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The text without the line breaks and indentation a console table or wrapping may put in it.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Test]
    public async Task RateLimit_ErasesTheDemoUserUnderTheEmulatorsLimit_AndSaysWhatWasRefused()
    {
        var (exit, output) = await RunAsync(["--rate-limit", "250"], []);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("1250 Dify conversations; the emulator allows 250 deletes/s"));
        Assert.That(output, Does.Match(@"1250 deleted in [\d.]+ s \(\d+ deletes/s\)\."));
        Assert.That(output, Does.Match(@"The rate limit refused \d+ of \d+ DELETE requests \([\d.]+ ?%\)\."));
        Assert.That(output, Does.Contain("none is left on the service"));
    }

    [TestCase("--wait-header", "ms")]
    [TestCase("--rate-limit", "0")]
    [TestCase("--wait-header", "minutes")]
    public async Task RateLimit_Incomplete_Exits2(string flag, string value)
    {
        var (exit, _) = await RunAsync([flag, value], []);

        Assert.That(exit, Is.EqualTo(2));
    }

    [Test]
    public void Describe_SaysWhatHappenedAndTheRetriesNotAPercentage()
    {
        Assert.That(EraseUserApp.Describe(new EraseProgress(40, 30, 2, 1) { Retries = 5 }),
            Is.EqualTo("Erasing: 30 deleted, 2 not found, 1 failed of 40 found (5 retries)"));
        Assert.That(EraseUserApp.Describe(new EraseProgress(3, 3, 0, 0)),
            Is.EqualTo("Erasing: 3 deleted, 0 not found, 0 failed of 3 found"));
        Assert.That(EraseUserApp.Describe(new EraseProgress(3, 3, 0, 0) { Retries = 1 }),
            Is.EqualTo("Erasing: 3 deleted, 0 not found, 0 failed of 3 found (1 retry)"));
    }

    [Test]
    public async Task BaseAddressVariableThatIsNotAnAbsoluteUrl_PrintsOneLineAndExits2()
    {
        var (exit, output) = await RunAsync(["--user", "alice", "--yes"], new Dictionary<string, string>
        {
            ["DIFY_API_KEY"] = "app-key",
            ["DIFY_BASE_URL"] = "dify.example.com/v1",
        });

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(output, Does.StartWith("DIFY_BASE_URL is not an absolute http(s) URL"));
    }

    [Test]
    public async Task RealService_WithoutConfirmation_DeletesNothing()
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        emulator.SeedDifyConversations(5, "alice");

        var (exit, output) = await RunAsync(["--user", "alice"], new Dictionary<string, string>
        {
            ["DIFY_API_KEY"] = emulator.DifyApiKey,
            ["DIFY_BASE_URL"] = emulator.DifyBaseAddress.AbsoluteUri,
        });

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain("--yes"));
        Assert.That(emulator.CountDifyConversations("alice"), Is.EqualTo(5));
    }

    [Test]
    public async Task RealService_Confirmed_ErasesThatUserOnly()
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        emulator.SeedDifyConversations(120, "alice");
        emulator.SeedDifyConversations(3, "bob");

        var (exit, output) = await RunAsync(["--user", "alice", "--yes"], new Dictionary<string, string>
        {
            ["DIFY_API_KEY"] = emulator.DifyApiKey,
            ["DIFY_BASE_URL"] = emulator.DifyBaseAddress.AbsoluteUri,
        });

        Assert.That(exit, Is.Zero, output);
        Assert.That(emulator.CountDifyConversations("alice"), Is.Zero);
        Assert.That(emulator.CountDifyConversations("bob"), Is.EqualTo(3));
    }

    [Test]
    public async Task UnknownArgument_PrintsUsageAndFails()
    {
        var (exit, output) = await RunAsync(["--bogus"], []);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain("Usage:"));
    }
}
