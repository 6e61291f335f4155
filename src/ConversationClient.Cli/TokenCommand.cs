using System.Diagnostics;

namespace ConversationClient.Cli;

/// <summary>
/// Gets a bearer token by running a command (for example <c>az account get-access-token ... -o tsv</c>) and reading its
/// standard output; the token is reused for <see cref="Lifetime"/> and the command run again after that. Serves
/// <see cref="ConversationClientOptions.AccessTokenProvider"/>. Neither the token nor the command's standard output is
/// ever put in a message; when the command fails, <see cref="Failure"/> says why with its exit code and the first line
/// of its standard error (the SDK keeps only the type of a provider's exception, so the tool shows this instead).
/// </summary>
internal sealed class TokenCommand : IDisposable
{
    /// <summary>How long a token is reused before the command runs again (Entra tokens live an hour or more).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly string _command;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private long _fetchedAt;
    private volatile string? _failure;

    public TokenCommand(string command, TimeProvider time)
    {
        _command = command;
        _time = time;
    }

    /// <summary>Why the command's last run failed (exit code and first line of standard error); null after a success.</summary>
    public string? Failure => _failure;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            string fetched;
            try
            {
                fetched = await RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                _failure = ex.Message;
                throw;
            }

            _failure = null;
            _token = fetched;
            _fetchedAt = _time.GetTimestamp();
            return fetched;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? Fresh() =>
        Volatile.Read(ref _token) is { } token && _time.GetElapsedTime(_fetchedAt) < Lifetime ? token : null;

    private async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/c", _command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", _command } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The token command could not be started.");
        process.StandardInput.Close();
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            // Drained so that a chatty command cannot block on a full pipe; only its first line is shown, on failure.
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var token = (await output.ConfigureAwait(false)).Trim();
            var errorText = await error.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(FirstLine(errorText) is { } reason
                    ? $"The token command exited with code {process.ExitCode}: {reason}"
                    : $"The token command exited with code {process.ExitCode} and wrote nothing to standard error.");
            }

            if (token.Length == 0 || token.Contains('\n', StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The token command must print exactly one line, the bearer token.");
            }

            return token;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>The first line of standard error that is not blank, trimmed and cut to a readable length; null if none.</summary>
    private static string? FirstLine(string text)
    {
        const int MaxLength = 300;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                return trimmed.Length <= MaxLength ? trimmed : trimmed[..MaxLength] + "...";
            }
        }

        return null;
    }
}
