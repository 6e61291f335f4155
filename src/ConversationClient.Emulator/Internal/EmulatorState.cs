namespace ConversationClient.Emulator.Internal;

/// <summary>Everything the emulator remembers: both stores, the fault settings and the counters.</summary>
internal sealed class EmulatorState(ConversationEmulatorOptions options)
{
    public ConversationEmulatorOptions Options { get; } = options;

    public OpenAIStore OpenAI { get; } = new();

    public DifyStore Dify { get; } = new();

    public FaultInjector Faults { get; } = new();

    public CounterSet Counters { get; } = new();

    public long Now => Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    public IReadOnlyList<string> SeedOpenAI(int count, string? scope, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            // Seeded conversations are spread over the past minutes, oldest first, so that orderings mean something.
            ids.Add(OpenAI.Create(scope, metadata, now - count + 1 + i).Id);
        }

        Counters.Created(count);
        return ids;
    }

    public IReadOnlyList<string> SeedDify(int count, string user, string? name)
    {
        var ids = new List<string>(count);
        var now = Now;
        for (var i = 0; i < count; i++)
        {
            var title = name ?? "Seeded conversation";
            ids.Add(Dify.Create(user, count == 1 ? title : $"{title} {i + 1}", null, now - count + 1 + i).Id);
        }

        Counters.Created(count);
        return ids;
    }

    public void Reset()
    {
        OpenAI.Clear();
        Dify.Clear();
        Faults.Configure(new EmulatorFaultOptions());
        Counters.Reset();
    }
}
