using EraseUser;
using Spectre.Console;

// dotnet run --project samples/EraseUser                 -> erases a demo user on the in-process emulator (no account needed)
// dotnet run --project samples/EraseUser -- --rate-limit 250 --wait-header ms   -> the same under the emulator's rate limit: shows the batch's pacing
// DIFY_API_KEY=... dotnet run --project samples/EraseUser -- --user abc-123 --yes   -> erases that user on the real service
return await EraseUserApp.RunAsync(args, Environment.GetEnvironmentVariable, AnsiConsole.Console);
