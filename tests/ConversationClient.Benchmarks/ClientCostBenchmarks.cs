using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ConversationClient.Benchmarks;

/// <summary>
/// What a 404 and one retry cost, and each client's own work per delete with no network (an in-memory transport): no
/// round trip's noise, so these figures are steady where the loopback ones drift.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ClientCostBenchmarks : BenchmarkClients
{
    // ---- Error parsing and one retry ----

    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient OpenAI 404")]
    public Task SdkOpenAINotFound() => Repeat(static c => NotFoundOnce(c, null), _sdkOpenAI);

    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient Dify 404")]
    public Task SdkDifyNotFound() => Repeat(static c => NotFoundOnce(c, User), _sdkDify);

    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient OpenAI 503 then 200")]
    public Task SdkOpenAIRetryThenDeleted() => Repeat(RetriedOnce, _sdkOpenAI);

    // ---- The clients' own cost: the same deletes on an in-memory transport ----

    [BenchmarkCategory("OpenAI client cost, in memory"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task InMemoryRawOpenAIDelete() => Repeat(RawOpenAIOnce, _memRawOpenAI);

    [BenchmarkCategory("OpenAI client cost, in memory"), Benchmark(OperationsPerInvoke = InARow, Description = "official OpenAI SDK 2.15.0")]
    public Task InMemoryOfficialOpenAIDelete() => Repeat(OfficialOpenAIOnce, _memOfficial);

    [BenchmarkCategory("OpenAI client cost, in memory"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task InMemorySdkOpenAIDelete() => Repeat(SdkOpenAIOnce, _memSdkOpenAI);

    [BenchmarkCategory("Dify client cost, in memory"), Benchmark(Baseline = true, OperationsPerInvoke = InARow, Description = "hand-written HttpClient")]
    public Task InMemoryRawDifyDelete() => Repeat(RawDifyOnce, _memRawDify);

    [BenchmarkCategory("Dify client cost, in memory"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient")]
    public Task InMemorySdkDifyDelete() => Repeat(SdkDifyOnce, _memSdkDify);
}
