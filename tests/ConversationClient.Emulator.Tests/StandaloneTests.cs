using System.Diagnostics;

namespace ConversationClient.Emulator.Tests;

/// <summary>Runs the emulator as its own process, the way <c>dotnet run --project src/ConversationClient.Emulator</c> does.</summary>
public sealed class StandaloneTests
{
    [Test]
    public async Task Standalone_SeedsFromFlags_InjectsFaults_AndServesTheSdk()
    {
        var assembly = typeof(ConversationEmulator).Assembly.Location;
        var addressFile = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                assembly, "--urls", "http://127.0.0.1:0", "--address-file", addressFile,
                "--seed-dify", "2", "--seed-user", "demo", "--fail-first", "1", "--fault-method", "DELETE",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(addressFile) && deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(50);
            }

            Assert.That(File.Exists(addressFile), Is.True, "the emulator did not write its address");
            var root = new Uri(await File.ReadAllTextAsync(addressFile));
            using var http = new HttpClient();
            using var listRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(root, "v1/conversations?user=demo"));
            listRequest.Headers.Authorization = new("Bearer", "app-emulator-dify");
            using var list = await http.SendAsync(listRequest);
            using var body = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            var id = body.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;

            var client = ConversationClientFactory.Create(new ConversationClientOptions
            {
                Dialect = ConversationApiDialect.Dify,
                BaseAddress = new Uri(root, "v1"),
                ApiKey = "app-emulator-dify",
                Retry = { BaseDelay = TimeSpan.FromMilliseconds(10) },
            });
            var result = await client.DeleteAsync(id, "demo");

            Assert.That(body.RootElement.GetProperty("data").GetArrayLength(), Is.EqualTo(2));
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.Attempts, Is.EqualTo(2));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(addressFile);
        }
    }

    [Test]
    public async Task Standalone_UnknownArgument_PrintsUsageAndExits2()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(ConversationEmulator).Assembly.Location, "--nope" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--nope").And.Contain("Usage:"));
    }
}
