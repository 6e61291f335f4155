namespace ConversationClient;

/// <summary>
/// How <see cref="IConversationClient.DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>,
/// <see cref="IConversationClient.EraseUserStreamingAsync"/> and <see cref="IConversationClient.EraseUserAsync"/> run their
/// deletes: how many at once, how large a listing page, which ids to leave alone, and when to stop starting new ones.
/// </summary>
public sealed class BulkDeleteOptions
{
    /// <summary>
    /// Gets or sets how many deletes may run at once, from 1 to 64. This number stays the same for the whole batch: after
    /// a 429 the batch pauses for the service's wait and then starts its HTTP attempts at the pace the service allows,
    /// learned from its refusals, rather than running fewer deletes at once.
    /// </summary>
    /// <value>Default: 4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many conversations each listing page asks for when erasing a user, from 1 to 100.</summary>
    /// <value>Default: 100.</value>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Gets or sets a test called once per distinct conversation id before its delete: when it returns true the
    /// conversation is left alone (not sent, no result). For example, the ids a receipt of an earlier run says are done.
    /// An erasure counts these in <see cref="EraseReport.Skipped"/>, and pages past them as conversations that still stand.
    /// The test is called on the batch's own task, one id at a time; an exception it throws ends the batch.
    /// </summary>
    /// <value>Default: null (nothing is skipped).</value>
    public Func<string, bool>? ShouldSkip { get; set; }

    /// <summary>
    /// Gets or sets whether an erasure (<see cref="IConversationClient.EraseUserAsync"/>,
    /// <see cref="IConversationClient.EraseUserStreamingAsync"/>,
    /// <see cref="IConversationClient.EraseConversationsAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>) deletes every item of a conversation before the
    /// conversation. In the OpenAI dialect (OpenAI, Azure AI Foundry) a conversation's delete leaves its items stored,
    /// where nobody can list them any more; with this on, the conversation is deleted only when none of its items is
    /// left, and a conversation whose items could not all be deleted stays in place, <see cref="DeleteConversationOutcome.Failed"/>
    /// with <see cref="ConversationApiError.ItemsLeftCode"/> (or the cause's code: <see cref="ConversationApiError.RateLimitedCode"/>,
    /// <see cref="ConversationApiError.CredentialUnavailableCode"/>), so running the erasure again finishes the job. Item deletes run
    /// in their conversation's slot (<see cref="MaxConcurrency"/>) at the batch's pace. Dify deletes a conversation's
    /// messages itself: there this changes nothing. <see cref="IConversationClient.DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/>
    /// ignores it: a delete is the one call the service defines.
    /// </summary>
    /// <value>Default: true.</value>
    public bool DeleteItems { get; set; } = true;

    /// <summary>
    /// Gets or sets whether an erasure proves its work: after each conversation's delete it asks for the conversation
    /// (OpenAI dialect: <c>GET /conversations/{id}</c> must answer 404; Dify: the conversation's messages must answer
    /// "Conversation Not Exists."), and after an erasure of a user it lists the user once more from the top. A conversation still
    /// there is <see cref="DeleteConversationOutcome.Failed"/> with <see cref="ConversationApiError.StillPresentCode"/>;
    /// see <see cref="DeleteConversationResult.Verification"/> and <see cref="EraseReport.Verified"/>.
    /// <see cref="IConversationClient.DeleteManyAsync(IEnumerable{string}, string?, BulkDeleteOptions?, CancellationToken)"/> ignores it.
    /// </summary>
    /// <value>Default: true.</value>
    public bool Verify { get; set; } = true;

    /// <summary>
    /// Gets or sets a token that, when cancelled, stops the batch gently: no new delete starts (and an erasure lists no
    /// further page), the deletes in flight finish and each yields its result, and the enumeration then ends without an
    /// exception. Ids not started yield nothing (and <see cref="EraseReport.Stopped"/> is set). The cancellation token
    /// of the call, by contrast, stops at once: see <see cref="IConversationClient.EraseUserStreamingAsync"/>.
    /// </summary>
    /// <value>Default: <see cref="CancellationToken.None"/> (never stops early).</value>
    public CancellationToken StopToken { get; set; }
}
