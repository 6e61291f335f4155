namespace ConversationClient.Cli;

/// <summary>A usage or configuration error: the tool prints its message as one line and exits with code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
