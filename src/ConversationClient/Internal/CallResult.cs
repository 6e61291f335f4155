using System.Diagnostics.CodeAnalysis;

namespace ConversationClient.Internal;

/// <summary>How a call about one conversation or item ended (<see cref="CallResult"/>).</summary>
internal enum CallOutcome
{
    /// <summary>The service did it: an item delete confirmed; a conversation asked for is there.</summary>
    Succeeded,

    /// <summary>The service says it does not exist: the item (or its conversation) is gone; the conversation asked for is gone.</summary>
    NotFound,

    /// <summary>Anything else, after retries: <see cref="CallResult.Error"/> says what.</summary>
    Failed,
}

/// <summary>
/// The result of an internal call about one conversation or item (an item delete, a conversation get), for batching
/// (<see cref="IBatchOperations"/>): its outcome, and for a failure the error, as a delete's result has them.
/// </summary>
internal sealed class CallResult
{
    public required CallOutcome Outcome { get; init; }

    /// <summary>What went wrong; null unless <see cref="Outcome"/> is <see cref="CallOutcome.Failed"/> (a not-found has the service's error too).</summary>
    public ConversationApiError? Error { get; init; }

    /// <summary>The HTTP status of the last answer; null when none came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>How many HTTP attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>The service's request id of the last answer, when given.</summary>
    public string? RequestId { get; init; }

    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsFailed => Outcome == CallOutcome.Failed;
}
