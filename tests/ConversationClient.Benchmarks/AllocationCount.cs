using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace ConversationClient.Benchmarks;

/// <summary>
/// Bytes allocated per delete by each client of <see cref="DeleteBenchmarks"/>, counted in-process
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, as BenchmarkDotNet's <c>MemoryDiagnoser</c> counts them) after a
/// warm-up, in about a second per client: a quick check of an allocation change without a BenchmarkDotNet run. With
/// <c>--alloc-types</c> it also lists, per client, which types the bytes went to, from the runtime's allocation
/// sampling (an event about every 100 KB allocated, naming the type of the object that crossed the mark; so the
/// figures are estimates whose error shrinks with the number of samples, shown beside each type).
/// </summary>
internal static class AllocationCount
{
    private const int Invocations = 400;

    public static async Task RunAsync(bool types, TextWriter output)
    {
        foreach (var transport in new[] { Transport.InMemory, Transport.Loopback })
        {
            var clients = new DeleteBenchmarks { Transport = transport };
            clients.GlobalSetup();
            try
            {
                (string Name, Func<Task> Run)[] sides =
                [
                    ("OpenAI hand-written", clients.RawOpenAIDelete),
                    ("OpenAI official SDK", clients.OfficialOpenAIDelete),
                    ("OpenAI bare Refit", clients.RefitOpenAIDelete),
                    ("OpenAI Refit + Polly", clients.PollyRefitOpenAIDelete),
                    ("OpenAI IConversationClient", clients.SdkOpenAIDelete),
                    ("Dify hand-written", clients.RawDifyDelete),
                    ("Dify bare Refit", clients.RefitDifyDelete),
                    ("Dify IConversationClient", clients.SdkDifyDelete),
                ];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {transport}: bytes allocated per delete"));
                foreach (var (name, run) in sides)
                {
                    for (var i = 0; i < Invocations / 4; i++)
                    {
                        await run();
                    }

                    using var sampler = types ? new AllocationSampler() : null;
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    for (var i = 0; i < Invocations; i++)
                    {
                        await run();
                    }

                    var bytes = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)(Invocations * BenchmarkClients.InARow);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} {bytes,8:F0} B"));
                    sampler?.Print(output, Invocations * BenchmarkClients.InARow);
                }
            }
            finally
            {
                clients.GlobalCleanup();
            }
        }
    }

    /// <summary>Listens to the runtime's <c>GCAllocationTick</c> events and adds up the bytes each names, by type.</summary>
    private sealed class AllocationSampler : EventListener
    {
        private readonly ConcurrentDictionary<string, (long Bytes, int Samples)> _byType = new();
        private volatile bool _on = true;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: GCAllocationTick
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!_on || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal)
                || eventData.Payload is null)
            {
                return;
            }

            var typeName = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
            var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 0;
            _byType.AddOrUpdate(typeName, (amount, 1), (_, old) => (old.Bytes + amount, old.Samples + 1));
        }

        public void Print(TextWriter output, int deletes)
        {
            _on = false;
            foreach (var (type, (bytes, samples)) in _byType.OrderByDescending(p => p.Value.Bytes).Take(25))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {bytes / (double)deletes,7:F0} B  {samples,5}  {type}"));
            }
        }
    }
}
