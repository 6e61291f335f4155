using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The benchmarks of the time goals: one delete in each dialect and 10,000 at concurrency 32, hand-written against the
/// SDK (and the official OpenAI SDK). BenchmarkDotNet runs one after another, so their time ratios carry the machine's
/// drift; <see cref="PairedComparison"/> runs the same methods in turns to judge the time goals.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeleteBenchmarks : BenchmarkClients
{
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
