using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationClient.Cli.Tests;

/// <summary>
/// A hostile OpenAI-dialect service whose text holds terminal escape sequences: what the tool shows of it (error
/// messages, the ids it lists) must not reach the operator's terminal as control characters.
/// </summary>
public sealed class HostileTextTests : CliTestBase
{
    // Up a line, wipe it, and write a success there: what a failure could be made to look like on a terminal.
    private const string Rewrite = "\u001b[1A\r\u001b[2KDeleted conv_1\u0007";

    private WebApplication _service = null!;
    private Uri _baseAddress = null!;

    [SetUp]
    public async Task StartHostileService()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _service = builder.Build();
        // JSON escapes: the body is well-formed, its strings hold the control characters.
        var escaped = System.Text.Json.JsonEncodedText.Encode(Rewrite).ToString();
        _service.MapDelete("/v1/conversations/{id}", () => Results.Text(
            $$$"""{"error":{"message":"Refused: {{{escaped}}}","type":"invalid_request_error","code":"refused"}}""", "application/json", statusCode: 400));
        _service.MapGet("/v1/conversations", () => Results.Text(
            $$$"""{"object":"list","data":[{"id":"conv_{{{escaped}}}","object":"conversation","created_at":1760000000,"metadata":{}}],"has_more":false}""",
            "application/json"));
        await _service.StartAsync();
        _baseAddress = new Uri(new Uri(_service.Urls.Single()), "v1");
    }

    [TearDown]
    public async Task StopHostileService() => await _service.DisposeAsync();

    private Task<CliRun> RunAsync(params string[] command) =>
        RunWithAsync(new Dictionary<string, string> { [KeyVariable] = "sk-test" }, "",
            [.. command, "--service", "openai", "--base-url", _baseAddress.AbsoluteUri, "--api-key-env", KeyVariable, "--max-retries", "0"]);

    private static bool HasControl(string text) => text.Any(c => char.IsControl(c) && c != '\n' && c != '\r');

    [Test]
    public async Task Delete_AnErrorMessageHoldingEscapeSequences_IsShownWithoutThem()
    {
        var run = await RunAsync("delete", "conv_1", "--keep-items", "--no-verify");

        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(1), run.ToString());
            Assert.That(run.Error, Does.Contain("refused"), "the failure is shown");
            Assert.That(HasControl(run.Error) || run.Error.Contains('\r', StringComparison.Ordinal), Is.False, run.Error);
            Assert.That(run.Error, Does.Contain(@"\u001B[1A\u000D\u001B[2KDeleted conv_1\u0007"), "shown, escaped");
        });
    }

    [Test]
    public async Task ListAndErase_AListedIdHoldingEscapeSequences_IsShownWithoutThem()
    {
        var list = await RunAsync("list", "--user", "user-1");
        var erase = await RunAsync("erase", "--user", "user-1", "--no-verify");

        Assert.Multiple(() =>
        {
            Assert.That(list.Exit, Is.Zero, list.ToString());
            Assert.That(list.Output, Does.Contain(@"conv_\u001B[1A"));
            Assert.That(HasControl(list.Output) || list.Output.TrimEnd('\n').Contains('\n', StringComparison.Ordinal), Is.False, "one line, no control character");
            Assert.That(erase.Exit, Is.EqualTo(1), "the id cannot be sent: invalid_id");
            Assert.That(HasControl(erase.Error + erase.Output) || erase.Error.Contains('\r', StringComparison.Ordinal), Is.False, erase.ToString());
        });
    }
}
