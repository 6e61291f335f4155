using System.Globalization;

namespace ConversationClient.Http;

/// <summary>
/// An attempt of a batch that was not sent because the batch gave up: the service had let none of its attempts through
/// (429) for the client's total timeout (<see cref="Internal.BatchPacer"/>). Becomes a <c>rate_limited</c> result.
/// </summary>
internal sealed class BatchGaveUpException(TimeSpan refusingFor) : Exception(Describe(refusingFor))
{
    /// <summary>Why a batch stopped sending, for this exception and for the results and reports of the ids it did not send.</summary>
    public static string Describe(TimeSpan refusingFor) =>
        $"The service refused every delete of the batch (429 Too Many Requests) for {refusingFor.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; the batch stopped sending.";
}
