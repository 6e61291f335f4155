using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ConversationClient.Benchmarks;
using Perfolizer.Horology;
using Perfolizer.Metrology;

// All benchmarks in one run, so that every ratio compares figures from the same machine:
//   dotnet run -c Release --project tests/ConversationClient.Benchmarks -- --job medium --launchCount 1 --filter '*'
// Allocations in bytes, not KB, so that "hand-written + 1 KiB" can be checked from the table; rounds run one after
// another (RoundsOrderer), and the time goals' ratios are printed at the end (GoalsReport).
var config = DefaultConfig.Instance
    .WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B).WithTimeUnit(TimeUnit.Microsecond))
    .WithOrderer(new RoundsOrderer());
var summaries = BenchmarkSwitcher.FromAssembly(typeof(DeleteBenchmarks).Assembly).Run(args, config).ToList();
GoalsReport.Print(summaries, Console.Out);

// BenchmarkDotNet exits normally when a benchmark or its setup throws: fail the run, so the CI smoke run can fail.
var failed = summaries.Count == 0
    || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
if (failed)
{
    Console.Error.WriteLine("Some benchmarks did not run or failed.");
}

return failed ? 1 : 0;
