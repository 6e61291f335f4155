using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ConversationClient.Benchmarks;

/// <summary>What a 404 and one retry cost, over the loopback socket.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ErrorBenchmarks : BenchmarkClients
{
    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient OpenAI 404")]
    public Task SdkOpenAINotFound() => Repeat(static c => NotFoundOnce(c, null), _loopback.SdkOpenAI);

    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient Dify 404")]
    public Task SdkDifyNotFound() => Repeat(static c => NotFoundOnce(c, User), _loopback.SdkDify);

    [BenchmarkCategory("Errors and retry"), Benchmark(OperationsPerInvoke = InARow, Description = "IConversationClient OpenAI 503 then 200")]
    public Task SdkOpenAIRetryThenDeleted() => Repeat(RetriedOnce, _loopback.SdkOpenAI);
}
