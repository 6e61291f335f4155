namespace ConversationClient.Emulator.Tests;

public sealed class ClockTests
{
    [Test]
    public async Task Timestamps_ComeFromTheConfiguredClock()
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions { TimeProvider = new FixedClock(now) });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.OpenAIBaseAddress + "/conversations"));
        request.Headers.Authorization = new("Bearer", emulator.OpenAIApiKey);

        using var response = await http.SendAsync(request);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(body.RootElement.GetProperty("created_at").GetInt64(), Is.EqualTo(now.ToUnixTimeSeconds()));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
