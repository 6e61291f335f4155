using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ConversationClient.Benchmarks;

/// <summary>
/// The benchmarks of the goals: one delete in each dialect and 10,000 at concurrency 32, hand-written against the SDK
/// (and the official OpenAI SDK), over the loopback socket and on the in-memory transport (each client's own work per
/// call, without a round trip's noise). BenchmarkDotNet runs one after another, so their loopback time ratios carry
/// the machine's drift; <see cref="PairedComparison"/> runs the same methods in turns to judge the time goals.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeleteBenchmarks : BenchmarkClients
{
    /// <summary>Where the requests go; <see cref="Transport.Loopback"/> unless BenchmarkDotNet sets it.</summary>
    [Params(Transport.Loopback, Transport.InMemory)]
    public Transport Transport { get; set; }

    private Clients On => Transport == Transport.InMemory ? _inMemory : _loopback;

    // ---- 1. One delete, OpenAI dialect ----

    [BenchmarkCategory("OpenAI delete"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task RawOpenAIDelete() => Repeat(RawOpenAIOnce, On.RawOpenAI);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "official OpenAI SDK 2.15.0")]
    public Task OfficialOpenAIDelete() => Repeat(OfficialOpenAIOnce, On.Official);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "bare Refit call")]
    public Task RefitOpenAIDelete() => Repeat(RefitOpenAIOnce, On.RefitOpenAI);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "bare Refit call behind Polly's retry and attempt timeout")]
    public Task PollyRefitOpenAIDelete() => Repeat(RefitOpenAIOnce, On.PollyRefitOpenAI);

    [BenchmarkCategory("OpenAI delete"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task SdkOpenAIDelete() => Repeat(SdkOpenAIOnce, On.SdkOpenAI);

    // ---- 2. One delete, Dify dialect ----

    [BenchmarkCategory("Dify delete"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task RawDifyDelete() => Repeat(RawDifyOnce, On.RawDify);

    [BenchmarkCategory("Dify delete"), Benchmark(OperationsPerInvoke = InARow, Description = "bare Refit call")]
    public Task RefitDifyDelete() => Repeat(RefitDifyOnce, On.RefitDify);

    [BenchmarkCategory("Dify delete"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task SdkDifyDelete() => Repeat(SdkDifyOnce, On.SdkDify);

    // ---- 3. Throughput: 10,000 deletes at concurrency 32 ----

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(Baseline = true, OperationsPerInvoke = ThroughputDeletes, Description = "hand-written HttpClient")]
    public Task RawOpenAIThroughput() => RunConcurrently(() => RawOpenAIOnce(On.RawOpenAI));

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(OperationsPerInvoke = ThroughputDeletes, Description = "bare Refit call")]
    public Task RefitOpenAIThroughput() => RunConcurrently(() => RefitOpenAIOnce(On.RefitOpenAI));

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(OperationsPerInvoke = ThroughputDeletes, Description = "bare Refit call behind Polly's retry and attempt timeout")]
    public Task PollyRefitOpenAIThroughput() => RunConcurrently(() => RefitOpenAIOnce(On.PollyRefitOpenAI));

    [BenchmarkCategory("Throughput, 32 concurrent"), Benchmark(OperationsPerInvoke = ThroughputDeletes, Description = "IConversationClient")]
    public Task SdkOpenAIThroughput() => RunConcurrently(() => SdkOpenAIOnce(On.SdkOpenAI));
}
