using System.Globalization;
using BenchmarkDotNet.Reports;

namespace ConversationClient.Benchmarks;

/// <summary>
/// Prints, after a run, the ratios the time goals are judged on: per category of <see cref="DeleteBenchmarks"/>, each
/// round's SDK mean against the hand-written mean of the same round, and all rounds together (the sum of the SDK
/// means over the sum of the hand-written ones).
/// </summary>
internal static class GoalsReport
{
    private const string HandWritten = "hand-written HttpClient";
    private const string Sdk = "IConversationClient";

    public static void Print(IEnumerable<Summary> summaries, TextWriter output)
    {
        var reports = summaries.SelectMany(s => s.Reports)
            .Where(r => r.Success && r.ResultStatistics is not null && RoundsOrderer.RoundOf(r.BenchmarkCase) > 0)
            .ToList();
        if (reports.Count == 0)
        {
            return;
        }

        var header = false;
        foreach (var category in reports.GroupBy(r => string.Join(",", r.BenchmarkCase.Descriptor.Categories)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rounds = category.GroupBy(r => RoundsOrderer.RoundOf(r.BenchmarkCase)).OrderBy(g => g.Key)
                .Select(g => (Raw: MeanOf(g, HandWritten), Sdk: MeanOf(g, Sdk)))
                .Where(p => p.Raw is not null && p.Sdk is not null)
                .Select(p => (Raw: p.Raw!.Value, Sdk: p.Sdk!.Value))
                .ToList();
            if (rounds.Count == 0)
            {
                continue;
            }

            if (!header)
            {
                output.WriteLine();
                output.WriteLine("// * Time goals, round by round (SDK mean / hand-written mean of the same round) *");
                header = true;
            }

            var each = string.Join(", ", rounds.Select(p => (p.Sdk / p.Raw).ToString("0.000", CultureInfo.InvariantCulture)));
            var all = rounds.Sum(p => p.Sdk) / rounds.Sum(p => p.Raw);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{category.Key}: {all:0.000} (as throughput, SDK / hand-written: {1 / all:0.000}) over {rounds.Count} rounds ({rounds.Sum(p => p.Sdk) / rounds.Count / 1000:0.00} us / {rounds.Sum(p => p.Raw) / rounds.Count / 1000:0.00} us); each round: {each}"));
        }
    }

    private static double? MeanOf(IEnumerable<BenchmarkReport> reports, string description) =>
        reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'') == description)?.ResultStatistics!.Mean;
}
