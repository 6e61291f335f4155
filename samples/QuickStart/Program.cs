using QuickStart;

// dotnet run --project samples/QuickStart               -> against the in-process emulator, no account needed
// OPENAI_API_KEY=... CONVERSATION_ID=conv_... dotnet run --project samples/QuickStart   -> against the real service
return await QuickStartApp.RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
