using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ConversationClient.Benchmarks;

/// <summary>
/// BenchmarkDotNet's default order, except that benchmarks run round by round (<see cref="DeleteBenchmarks.Round"/>):
/// round 1 of every benchmark, then round 2, ... Benchmarks without rounds keep their place before them.
/// </summary>
internal sealed class RoundsOrderer : IOrderer
{
    private readonly IOrderer _default = DefaultOrderer.Instance;

    public bool SeparateLogicalGroups => _default.SeparateLogicalGroups;

    public IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarksCase, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        _default.GetExecutionOrder(benchmarksCase, order).OrderBy(RoundOf); // a stable sort: the default order within a round

    public IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, Summary summary) =>
        _default.GetSummaryOrder(benchmarksCases, summary);

    public string? GetHighlightGroupKey(BenchmarkCase benchmarkCase) => _default.GetHighlightGroupKey(benchmarkCase);

    public string? GetLogicalGroupKey(ImmutableArray<BenchmarkCase> allBenchmarksCases, BenchmarkCase benchmarkCase) =>
        _default.GetLogicalGroupKey(allBenchmarksCases, benchmarkCase);

    public IEnumerable<IGrouping<string, BenchmarkCase>> GetLogicalGroupOrder(IEnumerable<IGrouping<string, BenchmarkCase>> logicalGroups,
        IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        _default.GetLogicalGroupOrder(logicalGroups, order);

    /// <summary>The benchmark's round; 0 for one without rounds.</summary>
    public static int RoundOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(DeleteBenchmarks.Round))?.Value is int round ? round : 0;
}
