using System.Diagnostics;
using System.Globalization;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The time goals, measured in pairs: the SDK's benchmark and its hand-written baseline (the same methods BenchmarkDotNet
/// runs in <see cref="DeleteBenchmarks"/>) take turns in one process, a few milliseconds each, round after round, and
/// the ratio is the SDK's total time over the baseline's. On a small shared machine the speed of everything drifts by
/// tens of per cent within seconds; BenchmarkDotNet measures one benchmark after another, so drift lands in its ratios,
/// whereas here both sides of every round meet the same drift. Two controls pair a hand-written benchmark with itself, to
/// show what the method reads when there is no difference; a third pairs two hand-written clients that do the same
/// work on their own connections, to show how far two connections alone differ within a process.
/// </summary>
internal static class PairedComparison
{
    /// <summary>Rounds per comparison in a full run.</summary>
    public const int DefaultRounds = 200;

    private const int BootstrapSamples = 2000;

    /// <summary>
    /// One goal: two sides, each one call of a benchmark method, and how many deletes one call makes; the sides are
    /// printed as "SDK" and "hand-written" unless named.
    /// </summary>
    private sealed record Comparison(string Name, Func<Task> Baseline, Func<Task> Sdk, int DeletesPerCall, int CallsPerTurn,
        string BaselineName = "hand-written", string SdkName = "SDK");

    /// <summary>
    /// Runs every comparison (or those whose names contain <paramref name="filter"/>) for <paramref name="rounds"/>
    /// rounds and prints the ratios.
    /// </summary>
    public static async Task RunAsync(int rounds, string? filter, TextWriter output)
    {
        var clients = new DeleteBenchmarks();
        clients.GlobalSetup();
        try
        {
            Comparison[] all =
            [
                new("OpenAI delete", clients.RawOpenAIDelete, clients.SdkOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3),
                new("Dify delete", clients.RawDifyDelete, clients.SdkDifyDelete, BenchmarkClients.InARow, CallsPerTurn: 3),
                new("Throughput, 32 concurrent", clients.RawOpenAIThroughput, clients.SdkOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1),
                new("bare Refit OpenAI delete (the design's floor)", clients.RawOpenAIDelete, clients.RefitOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3, SdkName: "bare Refit"),
                new("bare Refit Dify delete (the design's floor)", clients.RawDifyDelete, clients.RefitDifyDelete, BenchmarkClients.InARow, CallsPerTurn: 3, SdkName: "bare Refit"),
                new("bare Refit throughput, 32 concurrent (the design's floor)", clients.RawOpenAIThroughput, clients.RefitOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1, SdkName: "bare Refit"),
                new("what the SDK adds to its floor: OpenAI delete, SDK against the bare Refit call", clients.RefitOpenAIDelete, clients.SdkOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3,
                    BaselineName: "bare Refit"),
                new("what the SDK adds to its floor: throughput, SDK against the bare Refit call", clients.RefitOpenAIThroughput, clients.SdkOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1,
                    BaselineName: "bare Refit"),
                new("what Polly's standard pieces alone cost: OpenAI delete, Refit + Polly against the bare Refit call", clients.RefitOpenAIDelete, clients.PollyRefitOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3,
                    BaselineName: "bare Refit", SdkName: "Refit + Polly"),
                new("what Polly's standard pieces alone cost: throughput, Refit + Polly against the bare Refit call", clients.RefitOpenAIThroughput, clients.PollyRefitOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1,
                    BaselineName: "bare Refit", SdkName: "Refit + Polly"),
                new("what the SDK adds to Polly's standard pieces: OpenAI delete, SDK against Refit + Polly", clients.PollyRefitOpenAIDelete, clients.SdkOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3,
                    BaselineName: "Refit + Polly"),
                new("what the SDK adds to Polly's standard pieces: throughput, SDK against Refit + Polly", clients.PollyRefitOpenAIThroughput, clients.SdkOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1,
                    BaselineName: "Refit + Polly"),
                new("against the official SDK: OpenAI delete, SDK against the official OpenAI SDK", clients.OfficialOpenAIDelete, clients.SdkOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3,
                    BaselineName: "official SDK"),
                new("control: hand-written Dify against itself", clients.RawDifyDelete, clients.RawDifyDelete, BenchmarkClients.InARow, CallsPerTurn: 3),
                new("control: hand-written OpenAI against a second hand-written client", clients.RawOpenAIDelete, clients.SecondRawOpenAIDelete, BenchmarkClients.InARow, CallsPerTurn: 3),
                new("control: hand-written throughput against itself", clients.RawOpenAIThroughput, clients.RawOpenAIThroughput, BenchmarkClients.ThroughputDeletes, CallsPerTurn: 1),
            ];
            var comparisons = all.Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToArray();

            // Warm-up: every side of every comparison, before anything is timed, long enough for tiered compilation to
            // settle (timed first, a comparison ran up to 5% slower on its SDK side than when timed later).
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var comparison in comparisons)
                {
                    for (var i = 0; i < Math.Max(2, 5_000 / comparison.DeletesPerCall); i++)
                    {
                        await comparison.Baseline();
                        await comparison.Sdk();
                    }
                }

                await Task.Delay(500);
            }

            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// * Time goals, paired: SDK and hand-written take turns in one process, {rounds} rounds (throughput: {ThroughputRounds(rounds)}) *"));
            foreach (var comparison in comparisons)
            {
                var n = comparison.DeletesPerCall == BenchmarkClients.ThroughputDeletes ? ThroughputRounds(rounds) : rounds;
                var (baseline, sdk) = await MeasureAsync(comparison, n);
                output.WriteLine(Describe(comparison, baseline, sdk));
            }
        }
        finally
        {
            clients.GlobalCleanup();
        }
    }

    /// <summary>A throughput turn is 10,000 deletes (about a quarter of a second), so it gets a fifth of the rounds.</summary>
    private static int ThroughputRounds(int rounds) => Math.Max(1, rounds / 5);

    /// <summary>Microseconds per delete of each side, per round. The side that goes first alternates.</summary>
    private static async Task<(double[] Baseline, double[] Sdk)> MeasureAsync(Comparison comparison, int rounds)
    {
        var baseline = new double[rounds];
        var sdk = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                baseline[round] = await TimeAsync(comparison.Baseline, comparison);
                sdk[round] = await TimeAsync(comparison.Sdk, comparison);
            }
            else
            {
                sdk[round] = await TimeAsync(comparison.Sdk, comparison);
                baseline[round] = await TimeAsync(comparison.Baseline, comparison);
            }
        }

        return (baseline, sdk);
    }

    private static async Task<double> TimeAsync(Func<Task> side, Comparison comparison)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < comparison.CallsPerTurn; i++)
        {
            await side();
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / (comparison.CallsPerTurn * comparison.DeletesPerCall);
    }

    private static string Describe(Comparison comparison, double[] baseline, double[] sdk)
    {
        var ratio = sdk.Sum() / baseline.Sum();
        var (low, high) = BootstrapInterval(baseline, sdk);
        var perRound = sdk.Zip(baseline, (s, b) => s / b).Order().ToArray();
        var slower = perRound.Count(r => r > 1);
        var throughput = comparison.DeletesPerCall == BenchmarkClients.ThroughputDeletes
            ? string.Create(CultureInfo.InvariantCulture, $" (throughput, {comparison.SdkName} / {comparison.BaselineName}: {1 / ratio:0.000}, 95% interval {1 / high:0.000} to {1 / low:0.000})")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{comparison.Name}: time {comparison.SdkName} / {comparison.BaselineName} {ratio:0.000}, 95% interval {low:0.000} to {high:0.000}{throughput}; " +
            $"{sdk.Average():0.00} us / {baseline.Average():0.00} us per delete; median round {perRound[perRound.Length / 2]:0.000}, " +
            $"{comparison.SdkName} side slower in {slower} of {perRound.Length} rounds");
    }

    /// <summary>A 95% bootstrap interval of the ratio of sums, resampling whole rounds (fixed seed: the same data give the same interval).</summary>
    private static (double Low, double High) BootstrapInterval(double[] baseline, double[] sdk)
    {
        var random = new Random(7);
        var ratios = new double[BootstrapSamples];
        for (var sample = 0; sample < ratios.Length; sample++)
        {
            double baselineSum = 0, sdkSum = 0;
            for (var i = 0; i < baseline.Length; i++)
            {
#pragma warning disable CA5394 // Resampling, not security.
                var pick = random.Next(baseline.Length);
#pragma warning restore CA5394
                baselineSum += baseline[pick];
                sdkSum += sdk[pick];
            }

            ratios[sample] = sdkSum / baselineSum;
        }

        Array.Sort(ratios);
        return (ratios[(int)(0.025 * ratios.Length)], ratios[(int)(0.975 * ratios.Length) - 1]);
    }
}
