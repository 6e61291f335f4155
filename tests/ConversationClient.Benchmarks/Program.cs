using BenchmarkDotNet.Running;
using ConversationClient.Benchmarks;

// All benchmarks in one run, so that every ratio compares figures from the same machine:
//   dotnet run -c Release --project tests/ConversationClient.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(DeleteBenchmarks).Assembly).Run(args);
