using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using ConversationClient.Testing;

namespace ConversationClient.Emulator.Internal;

/// <summary>The standalone emulator's command line, on System.CommandLine as the <c>conversations</c> tool's is.</summary>
internal sealed class EmulatorCommandLine
{
    private const string Description =
        "A local, in-memory stand-in for the OpenAI / Azure AI Foundry Conversations API and the Dify service API: " +
        "dotnet run --project src/ConversationClient.Emulator -- [options]. Admin endpoints under /__emulator " +
        "(info, counters, faults, rate-limit, seed, orphaned-items, reset).";

    private static readonly Option<string> Urls = new("--urls")
    {
        Description = "Address to listen on; port 0 picks a free one.",
        DefaultValueFactory = _ => "http://127.0.0.1:5080",
        HelpName = "URL",
    };

    private static readonly Option<string> OpenAIKey = new("--openai-key")
    {
        Description = "OpenAI/Azure key.",
        DefaultValueFactory = _ => ConversationEmulatorOptions.DefaultOpenAIApiKey,
        HelpName = "KEY",
    };

    private static readonly Option<string> DifyKey = new("--dify-key")
    {
        Description = "Dify app key.",
        DefaultValueFactory = _ => ConversationEmulatorOptions.DefaultDifyApiKey,
        HelpName = "KEY",
    };

    private static readonly Option<string> IsolationHeader = new("--isolation-header")
    {
        Description = "OpenAI per-user header.",
        DefaultValueFactory = _ => ConversationEmulatorOptions.DefaultUserIsolationHeaderName,
        HelpName = "NAME",
    };

    private static readonly Option<bool> OpenAIPublicListing = new("--openai-public-listing")
    {
        Description = "Also list under /v1 (by default only /openai/v1 lists, like the real services).",
    };

    private static readonly Option<int> FailFirst = Count("--fail-first", "Answer the first N matching requests with the fault status.");

    private static readonly Option<double> FailureRate = new("--failure-rate")
    {
        Description = "Then answer this fraction (0 to 1) of matching requests with the fault status.",
        HelpName = "0..1",
    };

    private static readonly Option<double> TooManyRequestsRate = new("--too-many-requests-rate")
    {
        Description = "Also answer this fraction (0 to 1) with 429 (with --retry-after-ms).",
        HelpName = "0..1",
    };

    private static readonly Option<int> FaultStatus = new("--fault-status")
    {
        Description = "Status of injected faults (429 for rate limiting).",
        DefaultValueFactory = _ => 503,
        HelpName = "CODE",
    };

    private static readonly Option<int?> RetryAfterMs = OptionalCount("--retry-after-ms", "Send Retry-After / retry-after-ms with injected faults.");

    private static readonly Option<int> LatencyMs = Count("--latency-ms", "Delay every API answer by this many milliseconds.");

    private static readonly Option<string?> FaultMethod = new("--fault-method")
    {
        Description = "Inject fault statuses only into this method (for example DELETE); --latency-ms delays every answer whatever the method.",
        HelpName = "METHOD",
    };

    private static readonly Option<int?> FaultSeed = OptionalCount("--fault-seed", "Seed of the random failure rate, for repeatable runs.");

    private static readonly Option<double> DeleteRate = new("--delete-rate")
    {
        Description = "Allow N DELETEs a second (a token bucket); beyond it answer 429 (default: no limit).",
        HelpName = "N",
    };

    private static readonly Option<int?> DeleteBurst = OptionalCount("--delete-burst", "Deletes allowed at once after a quiet spell (default: one second's worth).");

    private static readonly Option<double> ReadRate = new("--read-rate")
    {
        Description = "Allow N GETs (reads: list, item and message pages, a conversation) a second, a token bucket of its own; beyond it answer 429 (default: no limit).",
        HelpName = "N",
    };

    private static readonly Option<int?> ReadBurst = OptionalCount("--read-burst", "Reads allowed at once after a quiet spell (default: one second's worth).");

    private static readonly Option<string> WaitHeader = new("--wait-header")
    {
        Description = "What the rate limits' 429 says: seconds (Retry-After), ms (Azure's retry-after-ms plus Retry-After), " +
            "date (Retry-After as an HTTP date), none.",
        DefaultValueFactory = _ => WaitHeaderNames.Name(RateLimitWaitHeader.Seconds),
        HelpName = string.Join('|', WaitHeaderNames.All),
    };

    private static readonly Option<int> SeedOpenAIOption = Count("--seed-openai", "Create N OpenAI conversations at start (under --seed-user as isolation key).");

    private static readonly Option<int> SeedDifyOption = Count("--seed-dify", "Create N Dify conversations at start for --seed-user (default demo-user).");

    private static readonly Option<int> SeedItemsOption = Count("--seed-items",
        "Give each seeded conversation N items (OpenAI: message items) or messages (Dify).");

    private static readonly Option<string?> SeedUserOption = new("--seed-user")
    {
        Description = "The user of seeded conversations.",
        HelpName = "USER",
    };

    private static readonly Option<string?> AddressFileOption = new("--address-file")
    {
        Description = "Write the bound address to this file once listening.",
        HelpName = "PATH",
    };

    // Declared after the options it holds: static fields are set in order.
    private static readonly RootCommand Root = CreateRootCommand();

    private EmulatorCommandLine()
    {
    }

    public ConversationEmulatorOptions Options { get; } = new() { ConsoleLogging = true };

    public bool ShowHelp { get; private set; }

    public int SeedOpenAI { get; private set; }

    public int SeedDify { get; private set; }

    public int SeedItems { get; private set; }

    public string? SeedUser { get; private set; }

    public string? AddressFile { get; private set; }

    /// <summary>Reads the arguments; <c>--name value</c> and <c>--name=value</c> both work.</summary>
    /// <exception cref="FormatException">An argument is unknown, lacks its value, or its value is not valid; the message says which.</exception>
    public static EmulatorCommandLine Parse(IReadOnlyList<string> args)
    {
        var parse = Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            throw new FormatException(string.Join(Environment.NewLine, parse.Errors.Select(error => error.Message).Distinct()));
        }

        var command = new EmulatorCommandLine { ShowHelp = parse.Action is HelpAction };
        var options = command.Options;
        options.ListenUrl = parse.GetRequiredValue(Urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? throw new FormatException("--urls needs an address.");
        options.OpenAIApiKey = parse.GetRequiredValue(OpenAIKey);
        options.DifyApiKey = parse.GetRequiredValue(DifyKey);
        options.UserIsolationHeaderName = parse.GetRequiredValue(IsolationHeader);
        options.OpenAIPublicListing = parse.GetValue(OpenAIPublicListing);

        var faults = options.Faults;
        faults.FailFirst = parse.GetValue(FailFirst);
        faults.FailureRate = parse.GetValue(FailureRate);
        faults.TooManyRequestsRate = parse.GetValue(TooManyRequestsRate);
        faults.StatusCode = parse.GetValue(FaultStatus);
        faults.RetryAfter = parse.GetValue(RetryAfterMs) is { } retryAfter ? TimeSpan.FromMilliseconds(retryAfter) : null;
        faults.Latency = TimeSpan.FromMilliseconds(parse.GetValue(LatencyMs));
        faults.Method = parse.GetValue(FaultMethod);
        faults.Seed = parse.GetValue(FaultSeed);

        var rateLimit = options.RateLimit;
        rateLimit.DeletesPerSecond = parse.GetValue(DeleteRate);
        rateLimit.Burst = parse.GetValue(DeleteBurst);
        rateLimit.ReadsPerSecond = parse.GetValue(ReadRate);
        rateLimit.ReadBurst = parse.GetValue(ReadBurst);
        var form = parse.GetRequiredValue(WaitHeader);
        rateLimit.WaitHeader = WaitHeaderNames.TryParse(form, out var parsed)
            ? parsed
            : throw new FormatException($"--wait-header needs {string.Join(", ", WaitHeaderNames.All)}, not '{form}'.");

        command.SeedOpenAI = parse.GetValue(SeedOpenAIOption);
        command.SeedDify = parse.GetValue(SeedDifyOption);
        command.SeedItems = parse.GetValue(SeedItemsOption);
        command.SeedUser = parse.GetValue(SeedUserOption);
        command.AddressFile = parse.GetValue(AddressFileOption);

        try
        {
            // The service's own checks (ServiceFaultOptions, ServiceRateLimitOptions): one set of rules and messages.
            options.Faults.Validate();
            options.RateLimit.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        return command;
    }

    /// <summary>Writes the help text (System.CommandLine's, which starts with the description and "Usage:").</summary>
    public static void WriteHelp(TextWriter writer) =>
        Root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });

    private static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(Description);
        foreach (var option in new Option[]
        {
            Urls, OpenAIKey, DifyKey, IsolationHeader, OpenAIPublicListing, FailFirst, FailureRate, TooManyRequestsRate, FaultStatus,
            RetryAfterMs, LatencyMs, FaultMethod, FaultSeed, DeleteRate, DeleteBurst, ReadRate, ReadBurst, WaitHeader, SeedOpenAIOption, SeedDifyOption,
            SeedItemsOption, SeedUserOption, AddressFileOption,
        })
        {
            root.Options.Add(option);
        }

        return root;
    }

    /// <summary>A whole number of 0 or more.</summary>
    private static Option<int> Count(string name, string description)
    {
        var option = new Option<int>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result => NotNegative(result, name));
        return option;
    }

    /// <summary>A whole number of 0 or more, or none.</summary>
    private static Option<int?> OptionalCount(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result => NotNegative(result, name));
        return option;
    }

    /// <summary>Reads the token itself: a value that is not a number at all is System.CommandLine's own error already.</summary>
    private static void NotNegative(OptionResult result, string name)
    {
        if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && value < 0)
        {
            result.AddError($"{name} needs a whole number of 0 or more, not '{value}'.");
        }
    }
}
