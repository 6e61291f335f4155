using ConversationClient.Emulator.Internal;
using ConversationClient.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ConversationClient.Emulator.Tests;

/// <summary>The emulator's rate limits on deletes and reads, over HTTP on a fake clock: each wait-header form, each dialect's envelope, the counters.</summary>
public sealed class RateLimitTests : EmulatorTestBase
{
    // A quarter of a second past the whole second, so that the date form's rounding up shows.
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, 250, TimeSpan.Zero);

    private FakeTimeProvider _clock = null!;

    // A new clock for every test (NUnit keeps one fixture instance for all of them).
    protected override ConversationEmulatorOptions CreateOptions()
    {
        _clock = new FakeTimeProvider(Start);
        return new ConversationEmulatorOptions { TimeProvider = _clock };
    }

    private Task<RawResponse> DeleteDifyAsync(string id) =>
        SendAsync(HttpMethod.Delete, $"v1/conversations/{id}", Emulator.DifyApiKey, """{"user":"alice"}""");

    private Task<RawResponse> DeleteOpenAIAsync(string id) => SendAsync(HttpMethod.Delete, $"v1/conversations/{id}", Emulator.OpenAIApiKey);

    private async Task<(RawResponse First, RawResponse Second, string SecondId)> DeleteTwoAsync(bool dify)
    {
        var ids = dify ? Emulator.SeedDifyConversations(2, "alice") : Emulator.SeedOpenAIConversations(2);
        var first = dify ? await DeleteDifyAsync(ids[0]) : await DeleteOpenAIAsync(ids[0]);
        var second = dify ? await DeleteDifyAsync(ids[1]) : await DeleteOpenAIAsync(ids[1]);
        return (first, second, ids[1]);
    }

    // 250 a second: the next token is 4 ms away.
    [TestCase(RateLimitWaitHeader.Seconds, false, "1", null)]
    [TestCase(RateLimitWaitHeader.Seconds, true, "1", null)]
    [TestCase(RateLimitWaitHeader.Milliseconds, false, "1", "4")]
    [TestCase(RateLimitWaitHeader.Milliseconds, true, "1", "4")]
    [TestCase(RateLimitWaitHeader.Date, false, "Wed, 02 Jan 2030 03:04:06 GMT", null)]
    [TestCase(RateLimitWaitHeader.Date, true, "Wed, 02 Jan 2030 03:04:06 GMT", null)]
    [TestCase(RateLimitWaitHeader.None, false, null, null)]
    [TestCase(RateLimitWaitHeader.None, true, null, null)]
    public async Task DeleteBeyondTheBurst_Is429WithTheWaitInTheChosenHeader(RateLimitWaitHeader form, bool dify, string? retryAfter, string? retryAfterMs)
    {
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 250, Burst = 1, WaitHeader = form });

        var (first, second, secondId) = await DeleteTwoAsync(dify);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(dify ? 204 : 200));
            Assert.That(second.Status, Is.EqualTo(429));
            Assert.That(second.Header("Retry-After"), Is.EqualTo(retryAfter));
            Assert.That(second.Header("retry-after-ms"), Is.EqualTo(retryAfterMs));
            Assert.That(dify ? Emulator.DifyConversationExists(secondId, "alice") : Emulator.OpenAIConversationExists(secondId), Is.True,
                "a refused delete deletes nothing");
        }
    }

    // Half a delete a second, and half a second gone: 1.5 s to the next token, at 03:04:07.250.
    [TestCase(RateLimitWaitHeader.Seconds, "2", null)]
    [TestCase(RateLimitWaitHeader.Milliseconds, "2", "1500")]
    [TestCase(RateLimitWaitHeader.Date, "Wed, 02 Jan 2030 03:04:08 GMT", null)]
    public async Task LongerWait_IsRoundedUpInEachForm(RateLimitWaitHeader form, string retryAfter, string? retryAfterMs)
    {
        var ids = Emulator.SeedOpenAIConversations(2);
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 0.5, WaitHeader = form });
        await DeleteOpenAIAsync(ids[0]);
        _clock.Advance(TimeSpan.FromMilliseconds(500));

        var refused = await DeleteOpenAIAsync(ids[1]);

        Assert.That(refused.Status, Is.EqualTo(429));
        Assert.That(refused.Header("Retry-After"), Is.EqualTo(retryAfter));
        Assert.That(refused.Header("retry-after-ms"), Is.EqualTo(retryAfterMs));
    }

    [Test]
    public async Task OpenAIRefusal_IsOpenAIsRateLimitEnvelope()
    {
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 1 });

        var (_, refused, _) = await DeleteTwoAsync(dify: false);

        var error = refused.Json.GetProperty("error");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("requests"));
            Assert.That(error.GetProperty("message").GetString(), Does.StartWith("Rate limit reached"));
            Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        }
    }

    [Test]
    public async Task DifyRefusal_IsDifysTooManyRequestsEnvelope()
    {
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 1 });

        var (_, refused, _) = await DeleteTwoAsync(dify: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.Json.GetProperty("status").GetInt32(), Is.EqualTo(429));
            Assert.That(refused.Json.GetProperty("code").GetString(), Is.EqualTo("too_many_requests"));
            Assert.That(refused.Json.GetProperty("message").GetString(), Is.EqualTo("Too many requests. Please try again later."));
        }
    }

    [Test]
    public async Task SdkDelete_RefusedWithoutRetries_FailsWith429RateLimitExceeded()
    {
        var ids = Emulator.SeedOpenAIConversations(2);
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 1, WaitHeader = RateLimitWaitHeader.Milliseconds });
        var client = OpenAIClient(options => options.Retry.MaxRetries = 0);

        await client.DeleteAsync(ids[0]);
        var refused = await client.DeleteAsync(ids[1]);

        Assert.That(refused.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), refused.ToString());
        Assert.That(refused.StatusCode, Is.EqualTo(429));
        Assert.That(refused.Error?.Code, Is.EqualTo("rate_limit_exceeded"));
    }

    [Test]
    public async Task Counters_CountDeleteRequestsAndRefusals_AndOnlyDeletesAreLimited()
    {
        var ids = Emulator.SeedDifyConversations(5, "alice");
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 250, Burst = 2 });

        var statuses = new List<int>();
        foreach (var id in ids)
        {
            statuses.Add((await DeleteDifyAsync(id)).Status);
        }

        var list = await SendAsync(HttpMethod.Get, "v1/conversations?user=alice", Emulator.DifyApiKey);
        var wrongKey = await SendAsync(HttpMethod.Delete, $"v1/conversations/{ids[4]}", "app-wrong-key", """{"user":"alice"}""");
        _clock.Advance(TimeSpan.FromMilliseconds(4));
        var afterOneToken = await DeleteDifyAsync(ids[4]);

        var counters = Emulator.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.EqualTo(new[] { 204, 204, 429, 429, 429 }));
            Assert.That(list.Status, Is.EqualTo(200), "listing is not limited");
            Assert.That(wrongKey.Status, Is.EqualTo(401), "the key is checked first");
            Assert.That(afterOneToken.Status, Is.EqualTo(204), "4 ms later one more delete may go");
            Assert.That(counters.DeleteRequests, Is.EqualTo(6), "the 401 is not a delete request");
            Assert.That(counters.DeletesRateLimited, Is.EqualTo(3));
            Assert.That(counters.ConversationsDeleted, Is.EqualTo(3));
            Assert.That(counters.FaultsInjected, Is.Zero, "a refusal is not an injected fault");
            Assert.That(Emulator.CountDifyConversations("alice"), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task RateLimitInTheOptions_AppliesFromTheStart()
    {
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions
        {
            TimeProvider = _clock,
            RateLimit = { DeletesPerSecond = 10, Burst = 1, WaitHeader = RateLimitWaitHeader.None },
        });
        var ids = emulator.SeedOpenAIConversations(2);
        var client = Client(ConversationApiDialect.OpenAI, emulator.OpenAIBaseAddress, emulator.OpenAIApiKey, options => options.Retry.MaxRetries = 0);

        await client.DeleteAsync(ids[0]);
        var refused = await client.DeleteAsync(ids[1]);

        Assert.That(refused.StatusCode, Is.EqualTo(429));
        Assert.That(emulator.GetCounters().DeletesRateLimited, Is.EqualTo(1));
        Assert.That(emulator.RateLimit.WaitHeader, Is.EqualTo(RateLimitWaitHeader.None));
    }

    [Test]
    public async Task ClearRateLimitAndReset_RemoveTheLimit()
    {
        var ids = Emulator.SeedOpenAIConversations(3);
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 1 });
        await DeleteOpenAIAsync(ids[0]);
        Emulator.ClearRateLimit();
        var afterClear = await DeleteOpenAIAsync(ids[1]);
        Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = 1, Burst = 1 });
        await DeleteOpenAIAsync(ids[2]);
        Emulator.Reset();
        var afterReset = await DeleteOpenAIAsync("conv_gone");

        Assert.That(afterClear.Status, Is.EqualTo(200));
        Assert.That(afterReset.Status, Is.EqualTo(404), "not 429: the limit is gone");
        Assert.That(Emulator.RateLimit.IsActive, Is.False);
    }

    [Test]
    public async Task AdminEndpoint_SetsReadsAndClearsTheLimit()
    {
        var set = await SendAsync(HttpMethod.Post, "__emulator/rate-limit", null, """{"deletes_per_second":250,"burst":10,"wait_header":"ms"}""");
        var read = await SendAsync(HttpMethod.Get, "__emulator/rate-limit", null);
        var info = await SendAsync(HttpMethod.Get, "__emulator/info", null);
        var limit = Emulator.RateLimit;
        var cleared = await SendAsync(HttpMethod.Delete, "__emulator/rate-limit", null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.Status, Is.EqualTo(200));
            Assert.That(read.Json.GetProperty("deletes_per_second").GetDouble(), Is.EqualTo(250));
            Assert.That(read.Json.GetProperty("burst").GetInt32(), Is.EqualTo(10));
            Assert.That(read.Json.GetProperty("wait_header").GetString(), Is.EqualTo("ms"));
            Assert.That(info.Json.GetProperty("rate_limit").GetProperty("wait_header").GetString(), Is.EqualTo("ms"));
            Assert.That((limit.DeletesPerSecond, limit.Burst, limit.WaitHeader), Is.EqualTo((250.0, (int?)10, RateLimitWaitHeader.Milliseconds)));
            Assert.That(cleared.Json.GetProperty("deletes_per_second").GetDouble(), Is.Zero);
            Assert.That(Emulator.RateLimit.IsActive, Is.False);
        }
    }

    [TestCase("""{"deletes_per_second":250,"wait_header":"minutes"}""")]
    [TestCase("""{"deletes_per_second":-1}""")]
    [TestCase("""{"deletes_per_second":10,"burst":0}""")]
    [TestCase("not json")]
    public async Task AdminEndpoint_Invalid_Returns400(string body)
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/rate-limit", null, body);

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(Emulator.RateLimit.IsActive, Is.False);
    }

    [Test]
    public void CommandLine_ReadsTheRateLimit()
    {
        var command = EmulatorCommandLine.Parse(["--delete-rate", "250", "--delete-burst=50", "--wait-header", "date"]);

        var limit = command.Options.RateLimit;
        Assert.That((limit.DeletesPerSecond, limit.Burst, limit.WaitHeader), Is.EqualTo((250.0, (int?)50, RateLimitWaitHeader.Date)));
    }

    [TestCase("--wait-header", "minutes")]
    [TestCase("--delete-rate", "-5")]
    [TestCase("--delete-burst", "0")]
    public void CommandLine_BadRateLimit_IsAFormatError(string flag, string value) =>
        Assert.That(() => EmulatorCommandLine.Parse([flag, value]), Throws.TypeOf<FormatException>());

    [TestCase(-1.0, null)]
    [TestCase(double.NaN, null)]
    [TestCase(10.0, 0)]
    public void SetRateLimit_OutOfRange_Throws(double perSecond, int? burst) =>
        Assert.That(() => Emulator.SetRateLimit(new ServiceRateLimitOptions { DeletesPerSecond = perSecond, Burst = burst }), Throws.ArgumentException);

    [TestCase(false)]
    [TestCase(true)]
    public async Task ReadBeyondTheReadBurst_Is429InTheDialectsEnvelope_AndDeletesAreNotLimited(bool dify)
    {
        var id = dify ? Emulator.SeedDifyConversations(1, "alice", 2)[0] : Emulator.SeedOpenAIConversations(1, null, 2)[0];
        Emulator.SetRateLimit(new ServiceRateLimitOptions { ReadsPerSecond = 250, ReadBurst = 2, WaitHeader = RateLimitWaitHeader.Milliseconds });
        var key = dify ? Emulator.DifyApiKey : Emulator.OpenAIApiKey;
        var itemsPath = dify ? $"v1/messages?conversation_id={id}&user=alice" : $"v1/conversations/{id}/items";
        var otherRead = dify ? "v1/conversations?user=alice" : $"v1/conversations/{id}";

        var first = await SendAsync(HttpMethod.Get, otherRead, key);
        var second = await SendAsync(HttpMethod.Get, itemsPath, key);
        var refused = await SendAsync(HttpMethod.Get, itemsPath, key);
        var delete = dify ? await DeleteDifyAsync(id) : await DeleteOpenAIAsync(id);
        _clock.Advance(TimeSpan.FromMilliseconds(4));
        var later = await SendAsync(HttpMethod.Get, otherRead, key);

        var counters = Emulator.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { first.Status, second.Status }, Is.All.EqualTo(200));
            Assert.That(refused.Status, Is.EqualTo(429));
            Assert.That(refused.Header("retry-after-ms"), Is.EqualTo("4"));
            Assert.That(refused.Header("Retry-After"), Is.EqualTo("1"));
            Assert.That(dify ? refused.Json.GetProperty("code").GetString() : refused.Json.GetProperty("error").GetProperty("code").GetString(),
                Is.EqualTo(dify ? "too_many_requests" : "rate_limit_exceeded"));
            Assert.That(delete.Status, Is.EqualTo(dify ? 204 : 200), "deletes have their own limit, none here");
            Assert.That(later.Status, Is.Not.EqualTo(429), "4 ms later one more read may go");
            Assert.That((counters.ReadRequests, counters.ReadsRateLimited), Is.EqualTo((4L, 1L)));
            Assert.That((counters.DeleteRequests, counters.DeletesRateLimited), Is.EqualTo((1L, 0L)));
            Assert.That(counters.ItemListPages, Is.EqualTo(1), "a refused read serves nothing");
        }
    }

    [Test]
    public async Task SdkExport_UnderAReadLimit_IsPaced_AndExportsEverythingWithoutRetries()
    {
        // The real clock: the export waits for the service's bucket to refill.
        await using var emulator = await ConversationEmulator.StartAsync(new ConversationEmulatorOptions
        {
            RateLimit = { ReadsPerSecond = 100, ReadBurst = 2, WaitHeader = RateLimitWaitHeader.Milliseconds },
        });
        emulator.SeedOpenAIConversations(20, "alice", 3);
        var client = Client(ConversationApiDialect.OpenAI, emulator.AzureBaseAddress, emulator.OpenAIApiKey, options =>
        {
            options.ApiKeyHeaderName = "api-key";
            options.Retry.MaxRetries = 0;
        });

        var exports = await client.ExportUserAsync("alice").ToListAsync();

        var counters = emulator.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exports, Has.Count.EqualTo(20));
            Assert.That(exports.Sum(e => e.Items.Count), Is.EqualTo(60));
            Assert.That(counters.ReadsRateLimited, Is.Positive, "the limit was met, and each refusal was tried again at the pace without a retry");
        }
    }

    [Test]
    public async Task AdminEndpoint_SetsAndReadsTheReadLimit()
    {
        var set = await SendAsync(HttpMethod.Post, "__emulator/rate-limit", null, """{"reads_per_second":100,"read_burst":5}""");
        var limit = Emulator.RateLimit;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.Status, Is.EqualTo(200));
            Assert.That(set.Json.GetProperty("reads_per_second").GetDouble(), Is.EqualTo(100));
            Assert.That(set.Json.GetProperty("read_burst").GetInt32(), Is.EqualTo(5));
            Assert.That(set.Json.GetProperty("deletes_per_second").GetDouble(), Is.Zero);
            Assert.That((limit.ReadsPerSecond, limit.ReadBurst, limit.DeletesPerSecond), Is.EqualTo((100.0, (int?)5, 0.0)));
            Assert.That(limit.IsActive, Is.True);
        }
    }

    [TestCase("""{"reads_per_second":-1}""")]
    [TestCase("""{"reads_per_second":10,"read_burst":0}""")]
    public async Task AdminEndpoint_InvalidReadLimit_Returns400(string body)
    {
        var response = await SendAsync(HttpMethod.Post, "__emulator/rate-limit", null, body);

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(Emulator.RateLimit.IsActive, Is.False);
    }

    [Test]
    public void CommandLine_ReadsTheReadLimit()
    {
        var command = EmulatorCommandLine.Parse(["--read-rate", "100", "--read-burst=20"]);

        var limit = command.Options.RateLimit;
        Assert.That((limit.ReadsPerSecond, limit.ReadBurst, limit.DeletesPerSecond), Is.EqualTo((100.0, (int?)20, 0.0)));
    }

    [TestCase("--read-rate", "-5")]
    [TestCase("--read-burst", "0")]
    public void CommandLine_BadReadLimit_IsAFormatError(string flag, string value) =>
        Assert.That(() => EmulatorCommandLine.Parse([flag, value]), Throws.TypeOf<FormatException>());
}
