namespace ConversationClient.Cli;

/// <summary>What the commands share besides their options (CommonOptions) and the deleting itself (DeleteRun).</summary>
internal static class CommandSteps
{
    /// <summary>Says on standard error that a listing broke off, with <paramref name="message"/> (see Session.MessageOf), shown printable.</summary>
    public static void ListingFailed(CliConsole console, string message) =>
        console.Error.WriteLine($"conversations: the listing failed: {CliConsole.Printable(message)}");

    /// <summary>
    /// Against anything but a loopback address, asks for --yes, or for a typed "yes" when standard input is a terminal
    /// (and not the ids); refuses with a usage error otherwise, before any request is sent.
    /// </summary>
    public static void Confirm(CliConsole console, Session session, string what, bool stdinTaken)
    {
        var address = session.Options.BaseAddress!;
        if (session.Yes || address.IsLoopback)
        {
            return;
        }

        if (console.InputIsTerminal && !stdinTaken)
        {
            console.Error.Write($"{what} on {address.Host}? Type 'yes' to go on: ");
            console.Error.Flush();
            if (string.Equals(console.In.ReadLine()?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            throw new UsageException("Not confirmed; nothing was deleted.");
        }

        throw new UsageException($"{address.Host} is not a loopback address: pass --yes to confirm; nothing was deleted.");
    }
}
