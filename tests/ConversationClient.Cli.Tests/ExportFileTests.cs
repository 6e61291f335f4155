using System.Text.Json;

namespace ConversationClient.Cli.Tests;

/// <summary>The export file on its own: written one record a line whatever the server's indentation, read back only when complete and the user's.</summary>
public sealed class ExportFileTests
{
    private const string User = "user-1";

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("export-file-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string PathFor(string name) => Path.Combine(_folder, name);

    private static ConversationExport Conversation(string id, params string[] itemJson) => new()
    {
        Conversation = new ConversationSummary { Id = id, CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1760000000), Metadata = new Dictionary<string, string> { ["topic"] = "x" } },
        Items = [.. itemJson.Select((json, i) => new ConversationItem { Id = $"{id}-{i}", Type = "message", Json = json })],
    };

    private string WriteComplete(params ConversationExport[] conversations)
    {
        var path = PathFor("export.jsonl");
        using var writer = ExportFile.Writer.Create(path);
        writer.WriteHeader("openai", "api.openai.com", User, DateTimeOffset.UnixEpoch);
        foreach (var conversation in conversations)
        {
            writer.Write(conversation);
        }

        writer.Complete();
        return path;
    }

    [Test]
    public void Write_AnIndentedItem_IsOneLine_WithItsMembersAndStringsKept()
    {
        const string indented = "{\r\n  \"id\": \"msg_1\",\n  \"type\": \"message\",\n  \"content\": [ { \"text\": \"line one\\nline two\", \"x-unknown\": 1.50 } ]\n}";

        var path = WriteComplete(Conversation("conv_1", indented));

        var lines = File.ReadAllLines(path);
        var item = JsonDocument.Parse(lines[1]).RootElement.GetProperty("items")[0];
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(3), "header, conversation, end");
            Assert.That(item.GetRawText(), Is.EqualTo(indented.Replace("\r", "").Replace("\n", "")));
            Assert.That(item.GetProperty("content")[0].GetProperty("text").GetString(), Is.EqualTo("line one\nline two"), "an escaped line break is data, kept");
            Assert.That(item.GetProperty("content")[0].GetProperty("x-unknown").GetRawText(), Is.EqualTo("1.50"), "a member no model knows, byte for byte");
        });
    }

    [Test]
    public void Read_ACompleteFile_GivesItsIdsAndCounts_LeavingOutConversationsDeletedDuringTheExport()
    {
        var path = WriteComplete(
            Conversation("conv_1", "{\"id\":\"a\"}", "{\"id\":\"b\"}"),
            new ConversationExport { Conversation = new ConversationSummary { Id = "conv_gone" }, DeletedDuringExport = true },
            Conversation("conv_2"));

        var contents = ExportFile.Read(path, User);

        Assert.Multiple(() =>
        {
            Assert.That(contents.Conversations, Is.EqualTo(3));
            Assert.That(contents.Items, Is.EqualTo(2));
            Assert.That(contents.DeletedDuringExport, Is.EqualTo(1));
            Assert.That(contents.Ids.Contains("conv_1") && contents.Ids.Contains("conv_2"), Is.True);
            Assert.That(contents.Ids.Contains("conv_gone"), Is.False, "nothing of it was exported");
            Assert.That(contents.Ids.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public void Read_AnotherUsersExport_Throws()
    {
        var path = WriteComplete(Conversation("conv_1"));

        Assert.That(() => ExportFile.Read(path, "user-2"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not of this user"));
    }

    [Test]
    public void Fail_LeavesThePartialFile_WithAnEndThatIsNotComplete_AndNoFileByTheName()
    {
        var path = PathFor("export.jsonl");
        using (var writer = ExportFile.Writer.Create(path))
        {
            writer.WriteHeader("dify", "dify.example.com", User, DateTimeOffset.UnixEpoch);
            writer.Write(Conversation("conv_1", "{}"));
            writer.Fail("server_error");
        }

        var end = JsonDocument.Parse(File.ReadLines(path + ".partial").Last()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(path), Is.False);
            Assert.That(end.GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(end.GetProperty("error").GetString(), Is.EqualTo("server_error"));
            Assert.That(end.GetProperty("conversations").GetInt32(), Is.EqualTo(1));
        });
    }

    [TestCase("cut", "ends before its closing line")]
    [TestCase("counts", "counts differ")]
    [TestCase("after-end", "after the closing line")]
    [TestCase("no-header", "not the export's header")]
    [TestCase("not-json", "not a JSON object")]
    [TestCase("format", "format is not 1")]
    [TestCase("empty", "empty")]
    public void Read_AFileThatIsNotAWholeExport_Throws(string damage, string message)
    {
        var path = WriteComplete(Conversation("conv_1", "{}"), Conversation("conv_2", "{}"));
        var lines = File.ReadAllLines(path).ToList();
        switch (damage)
        {
            case "cut":
                lines.RemoveAt(lines.Count - 1);
                break;
            case "counts":
                lines.RemoveAt(1);
                break;
            case "after-end":
                lines.Add(lines[1]);
                break;
            case "no-header":
                lines.RemoveAt(0);
                break;
            case "not-json":
                lines[1] = lines[1][..20];
                break;
            case "format":
                lines[0] = lines[0].Replace("\"format\":1", "\"format\":2", StringComparison.Ordinal);
                break;
            case "empty":
                lines.Clear();
                break;
        }

        File.WriteAllLines(path, lines);

        Assert.That(() => ExportFile.Read(path, User), Throws.TypeOf<InvalidDataException>().With.Message.Contains(message));
    }
}
