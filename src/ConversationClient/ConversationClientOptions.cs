namespace ConversationClient;

/// <summary>
/// Settings of one conversation client: which service it talks to, how it authenticates, and how long and how
/// often it tries. Validated when the client is first resolved or created.
/// </summary>
public sealed class ConversationClientOptions
{
    /// <summary>The default <see cref="UserIsolationHeaderName"/>.</summary>
    public const string DefaultUserIsolationHeaderName = "x-ms-user-isolation-key";

    /// <summary>Gets or sets the API dialect of the service.</summary>
    /// <value>Default: <see cref="ConversationApiDialect.OpenAI"/>.</value>
    public ConversationApiDialect Dialect { get; set; }

    /// <summary>
    /// Gets or sets the base address of the API, the part before <c>/conversations</c>: for example
    /// <c>https://api.openai.com/v1</c>, <c>https://&lt;resource&gt;.openai.azure.com/openai/v1</c> or
    /// <c>https://api.dify.ai/v1</c>. A trailing slash is optional; the path prefix is kept.
    /// </summary>
    /// <value>Required; an absolute <c>http</c> or <c>https</c> address without a query or a fragment.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Gets or sets the API key (an OpenAI or Azure key, or a Dify app key). Sent as
    /// <c>Authorization: Bearer &lt;key&gt;</c>, or in the header named by <see cref="ApiKeyHeaderName"/>.
    /// Never logged or put in an exception message.
    /// </summary>
    /// <value>Default: none. Set this or <see cref="AccessTokenProvider"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the name of the header that carries <see cref="ApiKey"/> instead of <c>Authorization</c>,
    /// for example <c>api-key</c> for Azure key authentication.
    /// </summary>
    /// <value>Default: none (the key is sent as a bearer token). Not allowed with <see cref="AccessTokenProvider"/>, whose token is always sent as <c>Authorization: Bearer</c>.</value>
    public string? ApiKeyHeaderName { get; set; }

    /// <summary>
    /// Gets or sets a function that returns a bearer token, called before every HTTP attempt, for example a
    /// Microsoft Entra ID token: scope <c>https://cognitiveservices.azure.com/.default</c> for an Azure OpenAI endpoint
    /// (<c>https://&lt;resource&gt;.openai.azure.com/openai/v1</c>), <c>https://ai.azure.com/.default</c> under a Foundry
    /// project endpoint; a token of the wrong audience is refused with 401. Used instead of <see cref="ApiKey"/>; cache
    /// tokens in the function (Azure.Identity credentials do).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The <see cref="CancellationToken"/> passed in is the attempt's: it is canceled when the attempt times out or the
    /// caller cancels.
    /// </para>
    /// <para>
    /// When the function throws (its own <see cref="OperationCanceledException"/> included, unless the token passed in
    /// was canceled), or returns an empty token or one that is not visible ASCII (a line break, a control or a
    /// non-ASCII character), the call ends with a <see cref="ConversationApiError.CredentialUnavailableCode"/>
    /// failure without sending anything, and it is not retried.
    /// </para>
    /// </remarks>
    /// <value>Default: none. Set this or <see cref="ApiKey"/>.</value>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Gets or sets the header that carries the <c>user</c> argument in the OpenAI dialect (Azure AI Foundry's
    /// per-end-user isolation). Some Foundry documents name it <c>x-ms-user-identity</c>.
    /// </summary>
    /// <value>Default: <c>x-ms-user-isolation-key</c>.</value>
    public string UserIsolationHeaderName { get; set; } = DefaultUserIsolationHeaderName;

    /// <summary>Gets or sets the OpenAI organization, sent as <c>OpenAI-Organization</c>. OpenAI dialect only.</summary>
    /// <value>Default: none.</value>
    public string? OrganizationId { get; set; }

    /// <summary>Gets or sets the OpenAI project, sent as <c>OpenAI-Project</c>. OpenAI dialect only.</summary>
    /// <value>Default: none.</value>
    public string? ProjectId { get; set; }

    /// <summary>Gets or sets the longest one HTTP attempt may take, response body included; then it is retried.</summary>
    /// <value>Default: 10 seconds. Allowed: 10 milliseconds to 1 day.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest one call may take, all attempts and waits between them together.</summary>
    /// <value>Default: 60 seconds. Allowed: 10 milliseconds to 1 day.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets whether the <c>user</c> argument of a delete is written to the log entries of its start and end
    /// (<c>DeleteStarted</c>, <c>DeleteFinished</c>, <c>DeleteFailed</c>: property <c>User</c>) and to its activity
    /// (tag <c>conversation.user</c>). A user id is personal data: turn this on for debugging only.
    /// The API key, bearer tokens and request bodies are never logged, whatever this says.
    /// </summary>
    /// <value>Default: false.</value>
    public bool LogUserId { get; set; }

    /// <summary>Gets how failed attempts are retried.</summary>
    public ConversationRetryOptions Retry { get; } = new();
}
