namespace ConversationClient.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Every conversation is Deleted or NotFound (or the listing succeeded).</summary>
    public const int Success = 0;

    /// <summary>Some conversations failed (their ids are in the receipt and on standard error), or the listing or the reading of the ids broke off.</summary>
    public const int SomeFailed = 1;

    /// <summary>A usage or configuration error; nothing was deleted.</summary>
    public const int UsageError = 2;

    /// <summary>Stopped by Ctrl+C; the receipt has a line for every id sent (Unknown for those a second Ctrl+C aborted).</summary>
    public const int Canceled = 130;
}
