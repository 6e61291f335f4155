using System.Globalization;

namespace ConversationClient.Emulator.Internal;

/// <summary>The standalone emulator's command line.</summary>
internal sealed class EmulatorCommandLine
{
    public const string Usage = """
        Usage: dotnet run --project src/ConversationClient.Emulator -- [options]

          --urls <url>              address to listen on (default http://127.0.0.1:5080; port 0 picks a free one)
          --openai-key <key>        OpenAI/Azure key (default sk-emulator-openai)
          --dify-key <key>          Dify app key (default app-emulator-dify)
          --isolation-header <name> OpenAI per-user header (default x-ms-user-isolation-key)
          --openai-public-listing   also list under /v1 (by default only /openai/v1 lists, like the real services)
          --fail-first <n>          answer the first n matching requests with the fault status
          --failure-rate <0..1>     then answer this fraction of matching requests with the fault status
          --too-many-requests-rate <0..1>  also answer this fraction with 429 (with --retry-after-ms)
          --fault-status <code>     status of injected faults (default 503; 429 for rate limiting)
          --retry-after-ms <ms>     send Retry-After / retry-after-ms with injected faults
          --latency-ms <ms>         delay every API answer
          --fault-method <method>   inject faults only into this method (for example DELETE)
          --fault-seed <n>          seed of the random failure rate, for repeatable runs
          --delete-rate <n>         allow n DELETEs a second (a token bucket); beyond it answer 429 (default: no limit)
          --delete-burst <n>        deletes allowed at once after a quiet spell (default: one second's worth)
          --wait-header <form>      what the rate limit's 429 says: seconds (Retry-After, default), ms (Azure's
                                    retry-after-ms plus Retry-After), date (Retry-After as an HTTP date), none
          --seed-openai <n>         create n OpenAI conversations at start (under --seed-user as isolation key)
          --seed-dify <n>           create n Dify conversations at start for --seed-user (default demo-user)
          --seed-user <user>        the user of seeded conversations
          --address-file <path>     write the bound address to this file once listening
          --help                    show this text
        """;

    public ConversationEmulatorOptions Options { get; } = new() { ListenUrl = "http://127.0.0.1:5080", ConsoleLogging = true };

    public bool ShowHelp { get; private set; }

    public int SeedOpenAI { get; private set; }

    public int SeedDify { get; private set; }

    public string? SeedUser { get; private set; }

    public string? AddressFile { get; private set; }

    /// <summary>Reads the arguments; <c>--name value</c> and <c>--name=value</c> both work.</summary>
    /// <exception cref="FormatException">An argument is unknown, lacks its value, or its value is not valid.</exception>
    public static EmulatorCommandLine Parse(IReadOnlyList<string> args)
    {
        var command = new EmulatorCommandLine();
        var faults = command.Options.Faults;
        var rateLimit = command.Options.RateLimit;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inline = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    command.ShowHelp = true;
                    break;
                case "--urls":
                    command.Options.ListenUrl = Value().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .FirstOrDefault() ?? throw new FormatException("--urls needs an address.");
                    break;
                case "--openai-key":
                    command.Options.OpenAIApiKey = Value();
                    break;
                case "--dify-key":
                    command.Options.DifyApiKey = Value();
                    break;
                case "--isolation-header":
                    command.Options.UserIsolationHeaderName = Value();
                    break;
                case "--openai-public-listing":
                    command.Options.OpenAIPublicListing = true;
                    break;
                case "--fail-first":
                    faults.FailFirst = Int(arg, Value());
                    break;
                case "--failure-rate":
                    faults.FailureRate = Double(arg, Value());
                    break;
                case "--too-many-requests-rate":
                    faults.TooManyRequestsRate = Double(arg, Value());
                    break;
                case "--fault-status":
                    faults.StatusCode = Int(arg, Value());
                    break;
                case "--retry-after-ms":
                    faults.RetryAfter = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--latency-ms":
                    faults.Latency = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--fault-method":
                    faults.Method = Value();
                    break;
                case "--fault-seed":
                    faults.Seed = Int(arg, Value());
                    break;
                case "--delete-rate":
                    rateLimit.DeletesPerSecond = Double(arg, Value());
                    break;
                case "--delete-burst":
                    rateLimit.Burst = Int(arg, Value());
                    break;
                case "--wait-header":
                    var form = Value();
                    rateLimit.WaitHeader = EmulatorRateLimitOptions.TryParseWaitHeader(form, out var parsed)
                        ? parsed
                        : throw new FormatException($"--wait-header needs seconds, ms, date or none, not '{form}'.");
                    break;
                case "--seed-openai":
                    command.SeedOpenAI = Int(arg, Value());
                    break;
                case "--seed-dify":
                    command.SeedDify = Int(arg, Value());
                    break;
                case "--seed-user":
                    command.SeedUser = Value();
                    break;
                case "--address-file":
                    command.AddressFile = Value();
                    break;
                default:
                    throw new FormatException($"Unknown argument: {args[i]}");
            }
        }

        try
        {
            faults.Validate();
            rateLimit.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        return command;
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new FormatException($"{name} needs a whole number of 0 or more, not '{value}'.");

    private static double Double(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{name} needs a number, not '{value}'.");
}
