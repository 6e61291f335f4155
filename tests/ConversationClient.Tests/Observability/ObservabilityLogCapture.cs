using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Tests.Observability;

/// <summary>One captured log entry: everything a logging provider could see of it.</summary>
internal sealed record ObservabilityLogEntry(
    string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, string?> State,
    string? StateText, string? Exception, string? ActivitySpanId)
{
    public string? this[string key] => State.TryGetValue(key, out var value) ? value : null;
}

/// <summary>A logger provider that keeps every entry and scope at every level, message, state and exception alike.</summary>
internal sealed class ObservabilityLogCapture : ILoggerProvider
{
    public ConcurrentQueue<ObservabilityLogEntry> Entries { get; } = new();

    /// <summary>Every scope begun, as text: its state's ToString and each key/value pair.</summary>
    public ConcurrentQueue<string> Scopes { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IEnumerable<ObservabilityLogEntry> For(string category) => Entries.Where(e => e.Category == category);

    /// <summary>All captured text: messages, state keys and values, state text, exceptions, scopes.</summary>
    public string AllText()
    {
        var text = new StringBuilder();
        foreach (var entry in Entries)
        {
            text.AppendLine(entry.Category).AppendLine(entry.EventId.ToString()).AppendLine(entry.Message)
                .AppendLine(entry.StateText).AppendLine(entry.Exception);
            foreach (var (key, value) in entry.State)
            {
                text.Append(key).Append('=').AppendLine(value);
            }
        }

        foreach (var scope in Scopes)
        {
            text.AppendLine(scope);
        }

        return text.ToString();
    }

    public void Dispose()
    {
    }

    private static Dictionary<string, string?> Pairs(object? state)
    {
        var pairs = new Dictionary<string, string?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> list)
        {
            foreach (var (key, value) in list)
            {
                pairs[key] = value switch
                {
                    null => null,
                    IEnumerable<KeyValuePair<string, object?>> nested => string.Join(";", nested.Select(p => p.Key + "=" + p.Value)),
                    IEnumerable<object> many when value is not string => string.Join(";", many),
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }

        return pairs;
    }

    private sealed class Logger(ObservabilityLogCapture owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            var pairs = Pairs(state);
            owner.Scopes.Enqueue(state + " " + string.Join(";", pairs.Select(p => p.Key + "=" + p.Value)));
            return NoScope.Instance;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new ObservabilityLogEntry(category, logLevel, eventId, formatter(state, exception), Pairs(state),
                state?.ToString(), exception?.ToString(), System.Diagnostics.Activity.Current?.SpanId.ToHexString()));
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}
