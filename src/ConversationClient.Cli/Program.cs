using ConversationClient.Cli;

// The process's side of the tool: real console streams, the environment, and Ctrl+C turned into cancellation so the
// command can finish its receipt and exit with 130. Everything else is CliApp, which tests run directly.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var console = new CliConsole(Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable,
    InputIsTerminal: !Console.IsInputRedirected, OutputIsTerminal: !Console.IsOutputRedirected);
return await CliApp.RunAsync(args, console, cancellation.Token).ConfigureAwait(false);
