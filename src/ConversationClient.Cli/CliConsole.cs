using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace ConversationClient.Cli;

/// <summary>What the tool reads and writes besides the network, and Ctrl+C: injected so tests run the real entry point on strings.</summary>
/// <param name="In">Standard input (ids after <c>-</c>, and the answer to a confirmation).</param>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Environment">Looks up an environment variable; null when it is not set.</param>
/// <param name="InputIsTerminal">Whether standard input is a terminal (a confirmation can be asked).</param>
/// <param name="OutputIsTerminal">Whether standard output is a terminal (progress display instead of plain lines).</param>
internal sealed record CliConsole(
    TextReader In,
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    bool InputIsTerminal = false,
    bool OutputIsTerminal = false)
{
    /// <summary>The clock for receipt times and rates.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Ctrl+C: the process presses it on Console.CancelKeyPress, tests press it themselves.</summary>
    public CtrlC CtrlC { get; init; } = new();

    /// <summary>
    /// <paramref name="text"/> that a service wrote (an error message, an id it listed) as it may be shown: each control
    /// or format character (ESC, CR, LF, BEL, C1 controls, bidirectional overrides) as <c>\uXXXX</c>, so a hostile service
    /// cannot send escape sequences to the operator's terminal, rewrite a line ("failed" into "Deleted") or split one.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Printable(string? text)
    {
        if (text is null || !text.Any(IsUnprintable))
        {
            return text;
        }

        var printable = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = IsUnprintable(c) ? printable.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : printable.Append(c);
        }

        return printable.ToString();
    }

    private static bool IsUnprintable(char c) => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
