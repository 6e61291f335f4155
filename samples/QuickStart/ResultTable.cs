using System.Globalization;
using ConversationClient;

namespace QuickStart;

/// <summary>Prints delete results as a plain-text table that reads well in a terminal and in a CI log.</summary>
public sealed class ResultTable
{
    private static readonly string[] Headers = ["Service", "Call", "Outcome", "Status", "Attempts", "Request id", "Error"];
    private readonly List<string[]> _rows = [];

    public void Add(string service, string call, DeleteConversationResult result) => _rows.Add(
    [
        service,
        call,
        result.Outcome.ToString(),
        result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
        result.Attempts.ToString(CultureInfo.InvariantCulture),
        result.RequestId ?? "-",
        Shorten(result.Error?.ToString() ?? "-", 60),
    ]);

    public void WriteTo(TextWriter output)
    {
        var widths = Headers.Select((header, i) => Math.Max(header.Length, _rows.Count == 0 ? 0 : _rows.Max(row => row[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select((cell, i) => cell.PadRight(widths[i]))) + " |";

        output.WriteLine(Line(Headers));
        output.WriteLine("|" + string.Join("|", widths.Select(width => new string('-', width + 2))) + "|");
        foreach (var row in _rows)
        {
            output.WriteLine(Line(row));
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
