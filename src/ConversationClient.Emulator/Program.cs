using System.Globalization;
using ConversationClient.Emulator.Internal;

namespace ConversationClient.Emulator;

/// <summary>The standalone emulator: <c>dotnet run --project src/ConversationClient.Emulator -- --urls http://127.0.0.1:5080</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        EmulatorCommandLine command;
        try
        {
            command = EmulatorCommandLine.Parse(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            EmulatorCommandLine.WriteHelp(Console.Error);
            return 2;
        }

        if (command.ShowHelp)
        {
            EmulatorCommandLine.WriteHelp(Console.Out);
            return 0;
        }

        var emulator = await ConversationEmulator.StartAsync(command.Options).ConfigureAwait(false);
        await using (emulator.ConfigureAwait(false))
        {
            await RunAsync(emulator, command).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task RunAsync(ConversationEmulator emulator, EmulatorCommandLine command)
    {
        var output = Console.Out;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            Conversation emulator listening on {emulator.BaseAddress}
              OpenAI       {emulator.OpenAIBaseAddress}  key {emulator.OpenAIApiKey}
              Azure        {emulator.AzureBaseAddress}  key {emulator.OpenAIApiKey} (bearer or api-key)
              Dify         {emulator.DifyBaseAddress}  key {emulator.DifyApiKey}
              Admin        {emulator.BaseAddress}__emulator/info | counters | faults | rate-limit | seed | orphaned-items | reset
            """)).ConfigureAwait(false);

        if (emulator.RateLimit is { IsActive: true } limit)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Rate limit: {(limit.DeletesPerSecond > 0 ? $"{limit.DeletesPerSecond} deletes/s, burst {limit.Burst?.ToString(CultureInfo.InvariantCulture) ?? "one second's worth"}" : "deletes unlimited")}; {(limit.ReadsPerSecond > 0 ? $"{limit.ReadsPerSecond} reads/s, burst {limit.ReadBurst?.ToString(CultureInfo.InvariantCulture) ?? "one second's worth"}" : "reads unlimited")}; 429 with wait header '{WaitHeaderNames.Name(limit.WaitHeader)}'."))
                .ConfigureAwait(false);
        }

        if (command.SeedOpenAI > 0)
        {
            emulator.SeedOpenAIConversations(command.SeedOpenAI, command.SeedUser, command.SeedItems);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {command.SeedOpenAI} OpenAI conversations of {command.SeedItems} items (isolation key: {command.SeedUser ?? "none"}).")).ConfigureAwait(false);
        }

        if (command.SeedDify > 0)
        {
            var user = command.SeedUser ?? "demo-user";
            emulator.SeedDifyConversations(command.SeedDify, user, command.SeedItems);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {command.SeedDify} Dify conversations of {command.SeedItems} messages for user {user}.")).ConfigureAwait(false);
        }

        if (command.AddressFile is { } file)
        {
            // Written last, so a script that waits for this file can use the emulator at once.
            await File.WriteAllTextAsync(file, emulator.BaseAddress.AbsoluteUri).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await emulator.WaitForShutdownAsync().ConfigureAwait(false);
    }
}
