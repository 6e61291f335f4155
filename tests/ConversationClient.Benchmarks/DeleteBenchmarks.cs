using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The benchmarks of the time goals: one delete in each dialect and 10,000 at concurrency 32, hand-written against the
/// SDK (and the official OpenAI SDK), in <see cref="Round"/>s. The runner executes round 1 of every benchmark, then
/// round 2, and so on (<see cref="RoundsOrderer"/>), so that each round's SDK figure is measured a minute or less after
/// the hand-written figure it is compared with: on a shared machine, the speed of everything drifts by tens of per cent
/// over minutes, far more than the clients differ.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeleteBenchmarks : BenchmarkClients
{
    public const int Rounds = 4;

    /// <summary>The round; each is a separate process per benchmark, and the rounds are run one after another.</summary>
    [ParamsSource(nameof(AllRounds))]
    public int Round { get; set; }

    public static IEnumerable<int> AllRounds => Enumerable.Range(1, Rounds);

    // ---- 1. One delete, OpenAI dialect ----

    [BenchmarkCategory("OpenAI delete"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task RawOpenAIDelete() => Repeat(RawOpenAIOnce, _rawOpenAI);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "official OpenAI SDK 2.15.0")]
    public Task OfficialOpenAIDelete() => Repeat(OfficialOpenAIOnce, _official);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task SdkOpenAIDelete() => Repeat(SdkOpenAIOnce, _sdkOpenAI);

    // ---- 2. One delete, Dify dialect ----

    [BenchmarkCategory("Dify delete"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task RawDifyDelete() => Repeat(RawDifyOnce, _rawDify);

    [BenchmarkCategory("Dify delete"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task SdkDifyDelete() => Repeat(SdkDifyOnce, _sdkDify);

    // ---- 3. Throughput: 10,000 deletes at concurrency 32 ----

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(Baseline = true, OperationsPerInvoke = ThroughputDeletes, Description = "hand-written HttpClient")]
    public Task RawOpenAIThroughput() => RunConcurrently(() => RawOpenAIOnce(_rawOpenAI));

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(OperationsPerInvoke = ThroughputDeletes, Description = "IConversationClient")]
    public Task SdkOpenAIThroughput() => RunConcurrently(() => SdkOpenAIOnce(_sdkOpenAI));
}
