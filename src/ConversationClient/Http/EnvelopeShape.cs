namespace ConversationClient.Http;

/// <summary>Which error envelope <see cref="ErrorBodyParser"/> found: dialects judge a 404 by it.</summary>
internal enum EnvelopeShape
{
    None,

    /// <summary><c>{"error":{...}}</c>.</summary>
    OpenAI,

    /// <summary><c>{"error":"text"}</c>.</summary>
    ErrorText,

    /// <summary><c>{"code","message","status"}</c> at the top.</summary>
    Dify,
}
