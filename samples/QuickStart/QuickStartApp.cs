using ConversationClient;
using ConversationClient.Emulator;
using ConversationClient.Testing;
using Samples;

namespace QuickStart;

/// <summary>
/// The QuickStart: with no service configured it runs against the in-process emulator (seed, delete with one injected
/// 503, delete again); with a service configured it deletes one conversation there. Returns the process exit code.
/// </summary>
public static class QuickStartApp
{
    public const string Usage = """
        Usage: dotnet run --project samples/QuickStart [-- [--service openai|azure|dify] [--id <conversation id>] [--user <user>]]

        With no service configured, runs against the in-process emulator (no account needed).
        To delete a conversation on a real service, set its variables and the conversation id:
          OpenAI        OPENAI_API_KEY, OPENAI_BASE_URL (default https://api.openai.com/v1)
          Azure Foundry AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com)
          Dify          DIFY_API_KEY, DIFY_BASE_URL (default https://api.dify.ai/v1)
          CONVERSATION_ID (or --id), CONVERSATION_USER (or --user; required by Dify, the isolation key on Azure)
        --service picks one when several are configured.
        """;

    private const string DemoUser = "demo-user";

    public static async Task<int> RunAsync(string[] args, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        string? service = null, id = null, user = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    output.WriteLine(Usage);
                    return 0;
                case "--service" or "--id" or "--user" when i + 1 < args.Length:
                    var value = args[i + 1];
                    if (args[i] == "--service")
                    {
                        service = value.ToLowerInvariant();
                    }
                    else if (args[i] == "--id")
                    {
                        id = value;
                    }
                    else
                    {
                        user = value;
                    }

                    i++;
                    break;
                default:
                    return Fail(error, $"Unknown or incomplete argument: {args[i]}");
            }
        }

        var configured = SampleServices.FromEnvironment(environment, out var problem);
        if (problem is not null)
        {
            error.WriteLine(problem);
            return 2;
        }

        id ??= environment("CONVERSATION_ID");
        user ??= environment("CONVERSATION_USER");

        // The demo only when nothing names a service, a conversation or a user: a user or id given without a service is
        // a mistake to say, not a demo that leaves the user's conversation in place without a word.
        if (service is null && configured.Count == 0 && string.IsNullOrWhiteSpace(id) && string.IsNullOrWhiteSpace(user))
        {
            return await RunOnEmulatorAsync(output).ConfigureAwait(false);
        }

        if (SampleServices.Pick(configured, service, out var name) is not { } options)
        {
            return Fail(error, name);
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return Fail(error, "Missing the conversation id: set CONVERSATION_ID or pass --id.");
        }

        if (options.Dialect == ConversationApiDialect.Dify && string.IsNullOrWhiteSpace(user))
        {
            return Fail(error, "Dify needs the conversation's user: set CONVERSATION_USER or pass --user.");
        }

        var result = await ConversationClientFactory.Create(options).DeleteAsync(id, string.IsNullOrWhiteSpace(user) ? null : user)
            .ConfigureAwait(false);
        var table = new ResultTable();
        table.Add(name, "delete", result);
        output.WriteLine($"Deleting {id} on {options.BaseAddress}");
        table.WriteTo(output);
        return result.Outcome == DeleteConversationOutcome.Failed ? 1 : 0;
    }

    private static async Task<int> RunOnEmulatorAsync(TextWriter output)
    {
        await using var emulator = await ConversationEmulator.StartAsync();
        output.WriteLine($"No service configured: using the in-process emulator at {emulator.BaseAddress} (see --help).");
        output.WriteLine("Each conversation is deleted twice; the first delete meets one injected 503 and is retried.");
        output.WriteLine();

        var services = new (string Name, ConversationClientOptions Options, Func<string> Seed, string? User)[]
        {
            ("OpenAI", SampleServices.Options(ConversationServicePreset.OpenAI, emulator.OpenAIBaseAddress, emulator.OpenAIApiKey),
                () => emulator.SeedOpenAIConversation(), null),
            ("Azure AI Foundry", SampleServices.Options(ConversationServicePreset.AzureAIFoundry, emulator.AzureBaseAddress, emulator.OpenAIApiKey),
                () => emulator.SeedOpenAIConversation(DemoUser), DemoUser),
            ("Dify", SampleServices.Options(ConversationServicePreset.Dify, emulator.DifyBaseAddress, emulator.DifyApiKey),
                () => emulator.SeedDifyConversation(DemoUser, "Quick start"), DemoUser),
        };

        var table = new ResultTable();
        var asExpected = true;
        foreach (var (name, options, seed, user) in services)
        {
            var client = ConversationClientFactory.Create(options);
            var id = seed();
            emulator.SetFaults(new ServiceFaultOptions { FailFirst = 1, StatusCode = 503, Method = "DELETE" });
            var first = await client.DeleteAsync(id, user);
            emulator.ClearFaults();
            var second = await client.DeleteAsync(id, user);

            table.Add(name, "delete", first);
            table.Add(name, "delete again", second);
            asExpected &= first.Outcome == DeleteConversationOutcome.Deleted && second.Outcome == DeleteConversationOutcome.NotFound;
        }

        table.WriteTo(output);
        output.WriteLine();
        output.WriteLine(asExpected
            ? "Deleted once (after a retry), then NotFound: deleting is safe to repeat."
            : "Unexpected results: see the table above.");
        return asExpected ? 0 : 1;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine();
        error.WriteLine(Usage);
        return 2;
    }
}
