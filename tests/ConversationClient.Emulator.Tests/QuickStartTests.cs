using QuickStart;

namespace ConversationClient.Emulator.Tests;

/// <summary>Runs the QuickStart's entry logic end to end and reads its table.</summary>
public sealed class QuickStartTests
{
    [Test]
    public async Task NoConfiguration_RunsOnTheEmulator_DeletedAfterARetry_ThenNotFound()
    {
        var (exit, output, error) = await RunAsync([], new Dictionary<string, string>());

        var rows = Rows(output);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(rows.Select(row => row[0]).Distinct(), Is.EqualTo(new[] { "OpenAI", "Azure AI Foundry", "Dify" }));
            Assert.That(rows.Where(row => row[1] == "delete").Select(row => (row[2], row[4])),
                Has.All.EqualTo(("Deleted", "2")), "every first delete is Deleted on its 2nd attempt");
            Assert.That(rows.Where(row => row[1] == "delete again").Select(row => (row[2], row[3])),
                Has.All.EqualTo(("NotFound", "404")));
            Assert.That(rows.Select(row => row[5]), Has.All.StartsWith("req_"));
            Assert.That(rows, Has.Count.EqualTo(6));
        });
    }

    [Test]
    public async Task EmptyIdAndUserVariables_StillRunTheDemo()
    {
        // Set but empty (an `export CONVERSATION_USER=` left in a shell) names no conversation or user.
        var (exit, output, error) = await RunAsync([], new Dictionary<string, string> { ["CONVERSATION_ID"] = "", ["CONVERSATION_USER"] = " " });

        Assert.That(exit, Is.Zero, error);
        Assert.That(Rows(output), Has.Count.EqualTo(6));
    }

    [Test]
    public async Task OpenAIVariables_DeleteOnThatService()
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        var id = emulator.SeedOpenAIConversation();

        var (exit, output, _) = await RunAsync([], new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = emulator.OpenAIApiKey,
            ["OPENAI_BASE_URL"] = emulator.OpenAIBaseAddress.AbsoluteUri,
            ["CONVERSATION_ID"] = id,
        });

        Assert.That(exit, Is.Zero);
        Assert.That(Rows(output).Single()[..3], Is.EqualTo(new[] { "openai", "delete", "Deleted" }));
        Assert.That(emulator.OpenAIConversationExists(id), Is.False);
    }

    [Test]
    public async Task AzureEndpoint_GetsTheOpenAIV1Path_AndTheUserAsIsolationKey()
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        var id = emulator.SeedOpenAIConversation("erin");

        var (exit, output, _) = await RunAsync(["--id", id, "--user", "erin"], new Dictionary<string, string>
        {
            ["AZURE_OPENAI_API_KEY"] = emulator.OpenAIApiKey,
            ["AZURE_OPENAI_ENDPOINT"] = emulator.BaseAddress.AbsoluteUri,
        });

        Assert.That(exit, Is.Zero);
        Assert.That(Rows(output).Single()[2], Is.EqualTo("Deleted"));
        Assert.That(emulator.OpenAIConversationExists(id, "erin"), Is.False);
    }

    [Test]
    public async Task DifyVariables_WithSeveralServices_UseTheOneChosen()
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        var id = emulator.SeedDifyConversation("frank");

        var (exit, output, _) = await RunAsync(["--service", "dify"], new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-unused",
            ["DIFY_API_KEY"] = emulator.DifyApiKey,
            ["DIFY_BASE_URL"] = emulator.DifyBaseAddress.AbsoluteUri,
            ["CONVERSATION_ID"] = id,
            ["CONVERSATION_USER"] = "frank",
        });

        Assert.That(exit, Is.Zero);
        Assert.That(Rows(output).Single()[..4], Is.EqualTo(new[] { "dify", "delete", "Deleted", "204" }));
    }

    [Test]
    public async Task FailedDelete_ExitsWith1()
    {
        await using var emulator = await ConversationEmulator.StartAsync();

        var (exit, output, _) = await RunAsync(["--id", "conv_1"], new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-wrong-key-123",
            ["OPENAI_BASE_URL"] = emulator.OpenAIBaseAddress.AbsoluteUri,
        });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(Rows(output).Single()[2..4], Is.EqualTo(new[] { "Failed", "401" }));
    }

    [TestCase(new[] { "--bogus" }, "", TestName = "UnknownArgument_PrintsUsage")]
    [TestCase(new[] { "--id" }, "", TestName = "ArgumentWithoutValue_PrintsUsage")]
    [TestCase(new string[0], "OPENAI_API_KEY", TestName = "ServiceWithoutId_PrintsUsage")]
    [TestCase(new[] { "--id", "c1" }, "", TestName = "IdWithoutService_PrintsUsage")]
    [TestCase(new[] { "--user", "u1" }, "", TestName = "UserWithoutService_PrintsUsage")]
    [TestCase(new string[0], "CONVERSATION_USER", TestName = "UserVariableWithoutService_PrintsUsage")]
    [TestCase(new[] { "--id", "c1" }, "DIFY_API_KEY", TestName = "DifyWithoutUser_PrintsUsage")]
    [TestCase(new[] { "--id", "c1" }, "OPENAI_API_KEY,DIFY_API_KEY", TestName = "SeveralServicesWithoutChoice_PrintsUsage")]
    [TestCase(new[] { "--id", "c1", "--service", "azure" }, "OPENAI_API_KEY", TestName = "ChosenServiceNotConfigured_PrintsUsage")]
    public async Task BadInvocation_PrintsUsageAndExits2(string[] args, string variables)
    {
        var environment = variables.Split(',', StringSplitOptions.RemoveEmptyEntries).ToDictionary(name => name, _ => "key");

        var (exit, output, error) = await RunAsync(args, environment);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Usage:"));
        Assert.That(output, Is.Empty);
    }

    [TestCase("OPENAI_API_KEY", "OPENAI_BASE_URL", "api.openai.com/v1")]
    [TestCase("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "my-resource.openai.azure.com")]
    [TestCase("DIFY_API_KEY", "DIFY_BASE_URL", "ftp://dify.example.com/v1")]
    public async Task BaseAddressVariableThatIsNotAnAbsoluteHttpUrl_PrintsOneLineAndExits2(string keyVariable, string urlVariable, string url)
    {
        var environment = new Dictionary<string, string> { [keyVariable] = "key", [urlVariable] = url, ["CONVERSATION_ID"] = "c1" };

        var (exit, output, error) = await RunAsync([], environment);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.StartWith(urlVariable + " is not an absolute http(s) URL").And.Contain(url));
        Assert.That(output, Is.Empty);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await QuickStartApp.RunAsync(args, name => environment.GetValueOrDefault(name), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The table's data rows, each cell trimmed.</summary>
    private static List<string[]> Rows(string output) => output
        .Split('\n')
        .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| Service", StringComparison.Ordinal))
        .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
        .ToList();
}
