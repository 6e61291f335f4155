using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ConversationClient.Internal;

namespace ConversationClient.Tests.Observability;

/// <summary>
/// Records the stopped activities of the ConversationClient source that belong to one test (its own server address),
/// so tests running at the same time do not see each other's.
/// </summary>
internal sealed class ObservabilityActivityCapture : IDisposable
{
    private readonly ActivityListener _listener;

    public ObservabilityActivityCapture(string serverAddress)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConversationClientDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(TelemetryNames.ServerAddressTag) as string == serverAddress)
                {
                    Activities.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Activities { get; } = new();

    public Activity Single(string conversationId) =>
        Activities.Single(a => a.GetTagItem(TelemetryNames.ConversationIdTag) as string == conversationId);

    /// <summary>All captured text: names, status, tags, events and their tags, baggage.</summary>
    public string AllText()
    {
        var text = new StringBuilder();
        foreach (var activity in Activities)
        {
            text.AppendLine(activity.OperationName).AppendLine(activity.DisplayName).AppendLine(activity.StatusDescription);
            foreach (var (key, value) in activity.TagObjects)
            {
                text.Append(key).Append('=').Append(value).AppendLine();
            }

            foreach (var activityEvent in activity.Events)
            {
                text.AppendLine(activityEvent.Name);
                foreach (var (key, value) in activityEvent.Tags)
                {
                    text.Append(key).Append('=').Append(value).AppendLine();
                }
            }

            foreach (var (key, value) in activity.Baggage)
            {
                text.Append(key).Append('=').AppendLine(value);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
