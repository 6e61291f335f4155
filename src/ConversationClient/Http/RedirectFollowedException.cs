namespace ConversationClient.Http;

/// <summary>
/// The primary handler followed a redirect (it moved the request to another address), so the answer is not the
/// service's. Not retried: the same handler would follow it again.
/// </summary>
/// <remarks>The addresses are not kept: they can hold a conversation id, and this exception reaches logs.</remarks>
internal sealed class RedirectFollowedException()
    : Exception("The primary HTTP handler followed a redirect to another address, so its answer is not trusted. Turn off AllowAutoRedirect on the primary handler.");
