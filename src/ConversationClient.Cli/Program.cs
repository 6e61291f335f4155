using ConversationClient.Cli;

// The process's side of the tool: real console streams, the environment, and Ctrl+C. Everything else is CliApp, which
// tests run directly. Ctrl+C never ends the process itself: the first press stops starting new deletes and lets those
// in flight finish, the second aborts them; either way the command writes its receipt and exits with 130.
using var ctrlC = new CtrlC();
ConsoleCancelEventHandler onCtrlC = (_, e) =>
{
    e.Cancel = true;
    ctrlC.Press();
};
Console.CancelKeyPress += onCtrlC;

// Standard input as a stream reader rather than Console.In, whose reads block their thread: a read that waits for the
// next id can then be abandoned when Ctrl+C is pressed.
using var input = new StreamReader(Console.OpenStandardInput(), Console.InputEncoding);
var console = new CliConsole(input, Console.Out, Console.Error, Environment.GetEnvironmentVariable,
    InputIsTerminal: !Console.IsInputRedirected, OutputIsTerminal: !Console.IsOutputRedirected)
{
    CtrlC = ctrlC,
};
try
{
    return await CliApp.RunAsync(args, console).ConfigureAwait(false);
}
finally
{
    Console.CancelKeyPress -= onCtrlC;
}
