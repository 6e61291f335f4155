using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ConversationClient.Cli.Tests;

public sealed class ExportTests : CliTestBase
{
    private const string User = "alice@example.com-7f3a";

    [TestCase("openai")]
    [TestCase("azure")]
    [TestCase("dify")]
    public async Task Export_WritesAHeader_ALinePerConversationWithItsItemsAsTheServiceSentThem_AndACompleteEnd(string service)
    {
        var ids = Seed(service, 3, User, itemsEach: 4);
        Seed(service, 2, "someone-else", itemsEach: 1);
        var path = PathFor("exports/alice.jsonl");

        var run = await RunAsync(service, ["export", "--user", User, "--out", path]);

        var text = await File.ReadAllTextAsync(path);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var header = lines[0];
        var conversations = lines[1..^1];
        var client = ClientOf(service);
        var expectedItems = new List<string>();
        foreach (var id in ids)
        {
            await foreach (var item in client.ListItemsAsync(id, User))
            {
                expectedItems.Add(item.Json);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(header.GetProperty("type").GetString(), Is.EqualTo("header"));
            Assert.That(header.GetProperty("format").GetInt32(), Is.EqualTo(1));
            Assert.That(header.GetProperty("service").GetString(), Is.EqualTo(service));
            Assert.That(header.GetProperty("host").GetString(), Is.EqualTo(Emulator.OpenAIBaseAddress.Host));
            Assert.That(header.GetProperty("user_sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(User)))));
            Assert.That(header.GetProperty("time").GetString(), Does.EndWith("Z"));
            Assert.That(text, Does.Not.Contain(User).And.Not.Contain("alice"), "the user id is never in the file");
            Assert.That(conversations.Select(line => line.GetProperty("type").GetString()), Has.All.EqualTo("conversation"));
            Assert.That(conversations.Select(line => line.GetProperty("id").GetString()), Is.EquivalentTo(ids), "this user's only");
            Assert.That(conversations.Select(line => line.GetProperty("deleted_during_export").GetBoolean()), Has.All.False);
            Assert.That(conversations.SelectMany(line => line.GetProperty("items").EnumerateArray().Select(item => item.GetRawText())),
                Is.EquivalentTo(expectedItems), "each item's JSON exactly as the SDK read it");
            Assert.That(conversations.Select(line => line.GetProperty("items").GetArrayLength()), Has.All.EqualTo(4));
            Assert.That(lines[^1].GetProperty("type").GetString(), Is.EqualTo("end"));
            Assert.That(lines[^1].GetProperty("conversations").GetInt32(), Is.EqualTo(3));
            Assert.That(lines[^1].GetProperty("items").GetInt32(), Is.EqualTo(12));
            Assert.That(lines[^1].GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(File.Exists(path + ".partial"), Is.False, "renamed once complete");
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "a user's data: its owner's only");
            }
            Assert.That(run.Lines[^1], Is.EqualTo($"export: 3 conversations, 12 items to {path}"));
            Assert.That(ExportFile.Read(path, User).Ids.Count, Is.EqualTo(3), "the file reads back complete");
        });
    }

    [Test]
    public async Task Export_ItemsOfAConversation_AreInOrderOldestFirst()
    {
        var id = Seed("openai", 1, User, itemsEach: 7)[0];
        var path = PathFor("alice.jsonl");
        var expected = new List<string>();
        await foreach (var item in ClientOf("openai").ListItemsAsync(id, User, new ConversationItemListOptions { Order = ConversationListOrder.OldestFirst }))
        {
            expected.Add(item.Id);
        }

        var run = await RunAsync("openai", ["export", "--user", User, "--out", path]);

        var line = JsonDocument.Parse(File.ReadLines(path).ElementAt(1)).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(line.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()), Is.EqualTo(expected));
        });
    }

    [Test]
    public async Task Export_OutputJson_PrintsTheCounts()
    {
        Seed("dify", 2, User, itemsEach: 3);

        var run = await RunAsync("dify", ["export", "--user", User, "--out", PathFor("a.jsonl"), "--output", "json"]);

        var summary = JsonDocument.Parse(run.Output).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(summary.GetProperty("command").GetString(), Is.EqualTo("export"));
            Assert.That(summary.GetProperty("conversations").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("items").GetInt32(), Is.EqualTo(6));
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task Export_ListingFailsAfterAPage_LeavesOnlyAPartialFileThatSaysSo_ExitsOne()
    {
        // The export lists 100 conversations a page: the second page fails.
        await using var service = await HeldDeletesService.StartAsync(conversations: 150);
        service.ListingsBeforeFailure = 1;
        var path = PathFor("alice.jsonl");

        var run = await RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            ["export", "--user", User, "--max-retries", "0", "--out", path,
             "--service", "openai", "--base-url", service.BaseAddress.AbsoluteUri, "--api-key-env", KeyVariable]);

        var lines = File.ReadAllLines(path + ".partial").Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(File.Exists(path), Is.False, "no file by the name asked for");
            Assert.That(lines[0].GetProperty("type").GetString(), Is.EqualTo("header"));
            Assert.That(lines.Count(line => line.GetProperty("type").GetString() == "conversation"), Is.EqualTo(100), "the first page's");
            Assert.That(lines[^1].GetProperty("type").GetString(), Is.EqualTo("end"));
            Assert.That(lines[^1].GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(lines[^1].GetProperty("error").GetString(), Is.Not.Empty);
            Assert.That(run.Error, Does.StartWith("conversations: the export failed after"));
            Assert.That(() => ExportFile.Read(path + ".partial", User), Throws.TypeOf<InvalidDataException>().With.Message.Contains("did not complete"));
        });
    }

    [Test]
    public async Task Export_ToAFileAnotherExportIsWriting_IsRefusedAndLeavesItsLinesAlone()
    {
        Seed("dify", 1, User, itemsEach: 1);
        var path = PathFor("alice.jsonl");
        using (var otherExport = ExportFile.Writer.Create(path))
        {
            otherExport.WriteHeader("dify", "127.0.0.1", User, DateTimeOffset.UnixEpoch);

            var run = await RunAsync("dify", ["export", "--user", User, "--out", path]);

            Assert.Multiple(() =>
            {
                Assert.That(run.Exit, Is.EqualTo(ExitCodes.UsageError), run.ToString());
                Assert.That(run.Error, Does.Contain($"Cannot write the export {path}.partial"));
                Assert.That(File.Exists(path), Is.False, "no export completed");
            });
        }

        Assert.That(File.ReadAllText(path + ".partial"), Does.StartWith("{\"type\":\"header\""), "the other export's lines are still there");
    }

    [Test]
    public async Task Export_OverAnEarlierPartialFile_ReplacesIt()
    {
        Seed("dify", 1, User, itemsEach: 1);
        var path = PathFor("alice.jsonl");
        await File.WriteAllTextAsync(path + ".partial", "{\"type\":\"header\"}\n{\"type\":\"conversation\",\"id\":\"stale\",\"items\":[]}\n");

        var run = await RunAsync("dify", ["export", "--user", User, "--out", path]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.Zero, run.ToString());
            Assert.That(File.Exists(path + ".partial"), Is.False);
            Assert.That(File.ReadAllText(path), Does.Not.Contain("stale"));
        });
    }
}
