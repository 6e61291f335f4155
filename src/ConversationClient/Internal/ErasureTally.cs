namespace ConversationClient.Internal;

/// <summary>
/// What an erasure learned besides its results: how many conversations it found and skipped, whether it was stopped,
/// and the error that ended its listing early. <see cref="UserEraser"/> writes it; the caller reads it as it goes
/// (<see cref="PageListed"/> is told after each page) and when the results have run out.
/// </summary>
internal sealed class ErasureTally
{
    public int Listed { get; set; }

    public int Skipped { get; set; }

    public bool Stopped { get; set; }

    public ConversationApiError? ListingError { get; set; }

    /// <summary>Items deleted before their conversations.</summary>
    public int ItemsDeleted { get; set; }

    /// <summary>Stored responses deleted before their conversations.</summary>
    public int ResponsesDeleted { get; set; }

    /// <summary>Conversations the service still had after answering their deletes as done.</summary>
    public List<string> StillPresent { get; } = [];

    /// <summary>Conversations answered as deleted whose check could not tell whether they are gone.</summary>
    public int Unverified { get; set; }

    /// <summary>Whether the verification pass (the listing from the top after the erasure) reached the end of the listing.</summary>
    public bool VerificationFinished { get; set; }

    /// <summary>The failure to throw at the end of a streamed erasure, when the listing ended early.</summary>
    public ConversationApiException? ListingFailure { get; set; }

    /// <summary>Told after each listing page, once <see cref="Listed"/> counts it.</summary>
    public Action? PageListed { get; set; }
}
