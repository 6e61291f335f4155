using System.CommandLine;

namespace ConversationClient.Cli;

/// <summary>The options the commands share (service, credentials, resilience, output, receipts), with the SDK's defaults.</summary>
internal sealed class CommonOptions
{
    private static readonly ConversationClientOptions ClientDefaults = new();
    private static readonly BulkDeleteOptions BulkDefaults = new();

    private readonly List<Option> _all = [];
    private readonly Option<string> _service;
    private readonly Option<string> _baseUrl;
    private readonly Option<string> _apiKeyEnv;
    private readonly Option<string> _tokenCommand;
    private readonly Option<int> _maxRetries;
    private readonly Option<double> _attemptTimeout;
    private readonly Option<double> _totalTimeout;
    private readonly Option<OutputFormat> _output;
    private readonly Option<int>? _concurrency;
    private readonly Option<bool>? _keepItems;
    private readonly Option<bool>? _noVerify;
    private readonly Option<int>? _pageSize;
    private readonly Option<string>? _receipt;
    private readonly Option<string>? _resume;
    private readonly Option<bool>? _yes;

    public CommonOptions(bool bulk, bool receipt, bool paging = false)
    {
        _service = Add(new Option<string>("--service", "-s") { Description = "The service: openai, azure or dify (default: the one whose environment variables are set).", HelpName = "openai|azure|dify" });
        _service.AcceptOnlyFromAmong(ServiceSettings.Names);
        _baseUrl = Add(new Option<string>("--base-url") { Description = "The service's base address (default: OPENAI_BASE_URL, AZURE_OPENAI_ENDPOINT or DIFY_BASE_URL, else the public address).", HelpName = "URL" });
        _apiKeyEnv = Add(new Option<string>("--api-key-env") { Description = "The environment variable holding the API key (default: OPENAI_API_KEY, AZURE_OPENAI_API_KEY or DIFY_API_KEY). The key itself is never an option.", HelpName = "NAME" });
        _tokenCommand = Add(new Option<string>("--token-command") { Description = "Microsoft Entra ID: a command whose standard output is the bearer token, e.g. \"az account get-access-token --resource https://cognitiveservices.azure.com --query accessToken -o tsv\"; cached and run again every 5 minutes.", HelpName = "COMMAND" });
        _maxRetries = Add(new Option<int>("--max-retries") { Description = $"Retries of a failed attempt (default: {ClientDefaults.Retry.MaxRetries}).", DefaultValueFactory = _ => ClientDefaults.Retry.MaxRetries, HelpName = "N" });
        _attemptTimeout = Add(new Option<double>("--attempt-timeout") { Description = $"Seconds one attempt may take (default: {ClientDefaults.AttemptTimeout.TotalSeconds}).", DefaultValueFactory = _ => ClientDefaults.AttemptTimeout.TotalSeconds, HelpName = "SECONDS" });
        _totalTimeout = Add(new Option<double>("--total-timeout") { Description = $"Seconds one call may take with its retries (default: {ClientDefaults.TotalTimeout.TotalSeconds}).", DefaultValueFactory = _ => ClientDefaults.TotalTimeout.TotalSeconds, HelpName = "SECONDS" });
        _output = Add(new Option<OutputFormat>("--output", "-o") { Description = "text: progress on a terminal, plain lines when redirected; json: a JSON summary (list: JSON lines).", DefaultValueFactory = _ => OutputFormat.Text, HelpName = "text|json" });
        if (bulk)
        {
            _concurrency = Add(new Option<int>("--concurrency") { Description = $"Deletes at a time, 1 to 64 (default: {BulkDefaults.MaxConcurrency}).", DefaultValueFactory = _ => BulkDefaults.MaxConcurrency, HelpName = "N" });
            _keepItems = Add(new Option<bool>("--keep-items") { Description = "OpenAI/Azure: delete only the conversations, not their items first (the service keeps the items of a deleted conversation, no longer listable)." });
            _noVerify = Add(new Option<bool>("--no-verify") { Description = "Do not ask for each conversation after its delete (erase: nor list the user again after the run)." });
        }

        if (paging)
        {
            _pageSize = Add(new Option<int>("--page-size") { Description = $"Conversations per listed page, 1 to 100 (default: {BulkDefaults.PageSize}).", DefaultValueFactory = _ => BulkDefaults.PageSize, HelpName = "N" });
        }

        if (receipt)
        {
            _receipt = Add(new Option<string>("--receipt") { Description = "Append to FILE a line naming the run (command, service, host, the user's SHA-256), one JSON line per conversation as each finishes (id, outcome, status, error, message, requestId, attempts, itemsDeleted, responsesDeleted, verification, time), then a summary line; missing folders are created.", HelpName = "FILE" });
            _resume = Add(new Option<string>("--resume") { Description = "delete: skip the ids a receipt FILE says are Deleted or NotFound and, unless --no-verify, checked gone, in runs for the same --user, service and host (each id's last line counts); retry the rest. erase skips nothing: it deletes every conversation the listing shows.", HelpName = "FILE" });
            _yes = Add(new Option<bool>("--yes", "-y") { Description = "Confirm deleting on a service that is not on a loopback address (needed by erase and by a delete of more than one id)." });
        }
    }

    public void AddTo(Command command)
    {
        foreach (var option in _all)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Validates the options and creates the client; throws <see cref="UsageException"/> for anything wrong.</summary>
    public Session Open(CliConsole console, ParseResult parse)
    {
        var concurrency = _concurrency is null ? BulkDefaults.MaxConcurrency : parse.GetValue(_concurrency);
        var pageSize = _pageSize is null ? BulkDefaults.PageSize : parse.GetValue(_pageSize);
        if (concurrency is < 1 or > 64)
        {
            throw new UsageException("--concurrency must be from 1 to 64.");
        }

        if (pageSize is < 1 or > 100)
        {
            throw new UsageException("--page-size must be from 1 to 100.");
        }

        var arguments = new ServiceArguments(
            parse.GetValue(_service),
            parse.GetValue(_baseUrl),
            parse.GetValue(_apiKeyEnv),
            parse.GetValue(_tokenCommand),
            parse.GetValue(_maxRetries),
            parse.GetValue(_attemptTimeout),
            parse.GetValue(_totalTimeout));
        var resumePath = _resume is null ? null : parse.GetValue(_resume);
        if (resumePath is not null && !File.Exists(resumePath))
        {
            throw new UsageException($"The receipt to resume from, {resumePath}, does not exist.");
        }

        var tokenCommand = arguments.TokenCommand is { Length: > 0 } command ? new TokenCommand(command, console.Time) : null;
        try
        {
            var (service, options) = ServiceSettings.Resolve(arguments, console.Environment, tokenCommand);
            var client = ConversationClientFactory.Create(options);
            return new Session(client, options, tokenCommand)
            {
                Service = service,
                Bulk = new BulkDeleteOptions
                {
                    MaxConcurrency = concurrency,
                    PageSize = pageSize,
                    DeleteItems = _keepItems is null || !parse.GetValue(_keepItems),
                    Verify = _noVerify is null || !parse.GetValue(_noVerify),
                },
                Output = parse.GetValue(_output),
                ReceiptPath = _receipt is null ? null : parse.GetValue(_receipt),
                ResumePath = resumePath,
                Yes = _yes is not null && parse.GetValue(_yes),
            };
        }
        catch
        {
            tokenCommand?.Dispose();
            throw;
        }
    }

    private T Add<T>(T option)
        where T : Option
    {
        _all.Add(option);
        return option;
    }
}

/// <summary>A command's client and settings, ready to run.</summary>
internal sealed class Session(IConversationClient client, ConversationClientOptions options, TokenCommand? tokenCommand) : IDisposable
{
    public IConversationClient Client { get; } = client;

    public ConversationClientOptions Options { get; } = options;

    /// <summary>The service the options were made for (its name goes into an export's header).</summary>
    public required ConversationServicePreset Service { get; init; }

    public required BulkDeleteOptions Bulk { get; init; }

    public required OutputFormat Output { get; init; }

    public string? ReceiptPath { get; init; }

    /// <summary>The receipt to resume from (<c>--resume</c>), which exists; read by the command, which knows whom the run is for (see <see cref="ResumeSet"/>).</summary>
    public string? ResumePath { get; init; }

    public bool Yes { get; init; }

    /// <summary>Whether the service keeps stored responses an erasure deletes (the OpenAI dialect: OpenAI and Azure); Dify has none.</summary>
    public bool HasStoredResponses => Options.Dialect != ConversationApiDialect.Dify;

    /// <summary>
    /// The message to show for a service error: for a failed <c>--token-command</c>, its exit code and first line of
    /// standard error (the SDK names only the exception type of a failed token provider); otherwise the error's own.
    /// </summary>
    public string? MessageOf(ConversationApiError? error) =>
        error?.Code == ConversationApiError.CredentialUnavailableCode && tokenCommand?.Failure is { } failure ? failure : error?.Message;

    /// <summary>The message to show for a failed listing, as <see cref="MessageOf(ConversationApiError?)"/>.</summary>
    public string MessageOf(ConversationApiException exception) =>
        exception.Error?.Code == ConversationApiError.CredentialUnavailableCode && tokenCommand?.Failure is { } failure
            ? $"Listing conversations failed: {failure}"
            : exception.Message;

    public void Dispose() => tokenCommand?.Dispose();
}
