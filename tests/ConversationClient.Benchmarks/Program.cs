using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ConversationClient.Benchmarks;
using Perfolizer.Horology;
using Perfolizer.Metrology;

// All benchmarks in one run, so that every ratio compares figures from the same machine:
//   dotnet run -c Release --project tests/ConversationClient.Benchmarks -- --job medium --launchCount 1 --filter '*'
// BenchmarkDotNet's tables come first (allocations in bytes, not KB, so that "hand-written + 1 KiB" can be checked from
// them); then the time goals are measured in pairs (PairedComparison). Options of this program, not BenchmarkDotNet's:
//   --paired-rounds N   rounds of the paired comparison (default 200; 0 skips it)
//   --paired-only       the paired comparison alone, without BenchmarkDotNet
//   --paired-filter S   only the paired comparisons whose names contain S
//   --rate-limit [--conversations N] [--rate R] [--burst B]
//                       batch pacing under the emulator's rate limit alone (RateLimitMeasurement; eng/rate-limit.sh)
//   --erase-cost [--conversations N] [--items N] [--rate R] [--burst B] [--read-rate R] [--read-burst B]
//                [--large-conversations N] [--large-items N] [--erase 0|1] [--export 0|1]
//                       a complete erasure under the emulator's rate limit, and an export under its read limit
//                       (EraseCostMeasurement; eng/erase-cost.sh)
//   --alloc             bytes allocated per delete by each client, counted in-process (AllocationCount), and nothing else
//   --alloc-types       the same, with the types the bytes went to (the runtime's allocation sampling)
if (args.Length > 0 && args[0] == "--rate-limit")
{
    var settings = new RateLimitMeasurement.Settings();
    for (var i = 1; i + 1 < args.Length; i += 2)
    {
        var value = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
        settings = args[i] switch
        {
            "--conversations" => settings with { Conversations = (int)value },
            "--rate" => settings with { Rate = value },
            "--burst" => settings with { Burst = (int)value },
            _ => throw new ArgumentException($"Unknown argument: {args[i]}"),
        };
    }

    return await RateLimitMeasurement.RunAsync(settings, Console.Out);
}

if (args.Length > 0 && args[0] == "--erase-cost")
{
    var settings = new EraseCostMeasurement.Settings();
    for (var i = 1; i + 1 < args.Length; i += 2)
    {
        var value = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
        settings = args[i] switch
        {
            "--conversations" => settings with { Conversations = (int)value },
            "--items" => settings with { ItemsEach = (int)value },
            "--read-rate" => settings with { ReadRate = value },
            "--read-burst" => settings with { ReadBurst = (int)value },
            "--large-conversations" => settings with { LargeConversations = (int)value },
            "--large-items" => settings with { LargeItemsEach = (int)value },
            "--erase" => settings with { Erase = value != 0 },
            "--export" => settings with { Export = value != 0 },
            "--rate" => settings with { Rate = value },
            "--burst" => settings with { Burst = (int)value },
            _ => throw new ArgumentException($"Unknown argument: {args[i]}"),
        };
    }

    return await EraseCostMeasurement.RunAsync(settings, Console.Out);
}

if (args is ["--alloc" or "--alloc-types"])
{
    await AllocationCount.RunAsync(types: args[0] == "--alloc-types", Console.Out);
    return 0;
}

var pairedRounds = PairedComparison.DefaultRounds;
var pairedOnly = false;
string? pairedFilter = null;
var benchmarkArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--paired-only")
    {
        pairedOnly = true;
    }
    else if (args[i] == "--paired-filter" && i + 1 < args.Length)
    {
        pairedFilter = args[++i];
    }
    else if (args[i] == "--paired-rounds" && i + 1 < args.Length
        && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var rounds))
    {
        pairedRounds = rounds;
        i++;
    }
    else
    {
        benchmarkArgs.Add(args[i]);
    }
}

var failed = false;
if (!pairedOnly)
{
    // Each benchmark project is built by BenchmarkDotNet; its default two-minute limit on that build is too short on a
    // busy two-core machine (the CI smoke run failed there with no benchmark at fault).
    var config = ManualConfig.Create(DefaultConfig.Instance)
        .WithBuildTimeout(TimeSpan.FromMinutes(10))
        .WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B).WithTimeUnit(TimeUnit.Microsecond));
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(DeleteBenchmarks).Assembly).Run([.. benchmarkArgs], config).ToList();

    // BenchmarkDotNet exits normally when a benchmark or its setup throws: fail the run, so the CI smoke run can fail.
    failed = summaries.Count == 0
        || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
    if (failed)
    {
        Console.Error.WriteLine("Some benchmarks did not run or failed.");
    }
}

if (pairedRounds > 0)
{
    await PairedComparison.RunAsync(pairedRounds, pairedFilter, Console.Out);
}

return failed ? 1 : 0;
