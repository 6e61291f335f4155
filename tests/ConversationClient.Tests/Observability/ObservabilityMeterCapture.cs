using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using ConversationClient.Internal;

namespace ConversationClient.Tests.Observability;

/// <summary>One measurement of a ConversationClient instrument.</summary>
internal sealed record ObservabilityMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>
/// Records the measurements of the ConversationClient meter that belong to one test (its own server address),
/// so tests running at the same time do not see each other's.
/// </summary>
internal sealed class ObservabilityMeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _serverAddress;

    public ObservabilityMeterCapture(string serverAddress)
    {
        _serverAddress = serverAddress;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConversationClientDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public ConcurrentQueue<ObservabilityMeasurement> Measurements { get; } = new();

    public IReadOnlyList<ObservabilityMeasurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument).ToList();

    /// <summary>The sum of an instrument's values whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) => Of(instrument).Where(m => m.Tag(tag) == value).Sum(m => m.Value);

    public string AllText()
    {
        var text = new StringBuilder();
        foreach (var measurement in Measurements)
        {
            text.AppendLine(measurement.Instrument);
            foreach (var (key, value) in measurement.Tags)
            {
                text.Append(key).Append('=').Append(value).AppendLine();
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        if (copy.TryGetValue(TelemetryNames.ServerAddressTag, out var address) && address as string == _serverAddress)
        {
            Measurements.Enqueue(new ObservabilityMeasurement(instrument.Name, value, copy));
        }
    }
}
