using ConversationClient.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>ConversationServiceStub.LimitDeleteRate and LimitReadRate: the same rate limits as the emulator's, on the stub's clock.</summary>
public sealed class ServiceStubRateLimitTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, 250, TimeSpan.Zero);

    private static async Task<HttpResponseMessage> DeleteAsync(HttpClient http, ConversationServiceStub stub, string id, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(stub.BaseAddress + "/conversations/" + id));
        request.Headers.Authorization = new("Bearer", stub.ApiKey);
        if (stub.Kind == ConversationServiceKind.Dify)
        {
            request.Content = new StringContent($$"""{"user":"{{user}}"}""", System.Text.Encoding.UTF8, "application/json");
        }
        else
        {
            request.Headers.Add("x-ms-user-isolation-key", user);
        }

        return await http.SendAsync(request);
    }

    [TestCase(ConversationServiceKind.OpenAI, RateLimitWaitHeader.Milliseconds, "1", "4")]
    [TestCase(ConversationServiceKind.Dify, RateLimitWaitHeader.Seconds, "1", null)]
    [TestCase(ConversationServiceKind.Dify, RateLimitWaitHeader.Date, "Wed, 02 Jan 2030 03:04:06 GMT", null)]
    [TestCase(ConversationServiceKind.OpenAI, RateLimitWaitHeader.None, null, null)]
    public async Task LimitDeleteRate_BeyondTheBurst_Answers429WithTheChosenHeader_UntilTheClockMoves(
        ConversationServiceKind kind, RateLimitWaitHeader form, string? retryAfter, string? retryAfterMs)
    {
        var clock = new FakeTimeProvider(Start);
        await using var stub = ConversationServiceStub.Start(kind, clock);
        var ids = stub.AddConversations(4, "user-1");
        stub.LimitDeleteRate(250, burst: 2, form);
        using var http = new HttpClient();

        var first = await DeleteAsync(http, stub, ids[0], "user-1");
        var second = await DeleteAsync(http, stub, ids[1], "user-1");
        using var refused = await DeleteAsync(http, stub, ids[2], "user-1");
        var body = await refused.Content.ReadAsStringAsync();
        clock.Advance(TimeSpan.FromMilliseconds(4));
        var later = await DeleteAsync(http, stub, ids[2], "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { first.IsSuccessStatusCode, second.IsSuccessStatusCode }, Is.All.True);
            Assert.That((int)refused.StatusCode, Is.EqualTo(429));
            Assert.That(refused.Headers.TryGetValues("Retry-After", out var ra) ? ra.Single() : null, Is.EqualTo(retryAfter));
            Assert.That(refused.Headers.TryGetValues("retry-after-ms", out var ms) ? ms.Single() : null, Is.EqualTo(retryAfterMs));
            Assert.That(body, Does.Contain(kind == ConversationServiceKind.Dify ? "\"too_many_requests\"" : "\"rate_limit_exceeded\""));
            Assert.That(later.IsSuccessStatusCode, Is.True, "4 ms later one more delete may go");
            Assert.That(stub.ConversationExists(ids[3], "user-1"), Is.True);
        }
    }

    [Test]
    public async Task LimitDeleteRate_RefusalIsTheSdksRateLimitError_AndZeroRemovesTheLimit()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry, new FakeTimeProvider(Start));
        var ids = stub.AddConversations(3, "user-1");
        var options = stub.CreateClientOptions();
        options.Retry.MaxRetries = 0;
        var client = ConversationClientFactory.Create(options);
        stub.LimitDeleteRate(1, waitHeader: RateLimitWaitHeader.Milliseconds);

        var allowed = await client.DeleteAsync(ids[0], user: "user-1");
        var refused = await client.DeleteAsync(ids[1], user: "user-1");
        stub.LimitDeleteRate(0);
        var unlimited = await client.DeleteAsync(ids[1], user: "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), allowed.ToString());
            Assert.That(refused.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed), refused.ToString());
            Assert.That(refused.StatusCode, Is.EqualTo(429));
            Assert.That(refused.Error?.Code, Is.EqualTo("rate_limit_exceeded"));
            Assert.That(unlimited.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), unlimited.ToString());
            Assert.That(stub.Deletes.Select(d => d.Attempts), Is.EqualTo(new[] { 1, 1, 1 }));
        }
    }

    [TestCase(-1.0, null, "deletesPerSecond")]
    [TestCase(double.NaN, null, "deletesPerSecond")]
    [TestCase(1_000_001.0, null, "deletesPerSecond")]
    [TestCase(10.0, 0, "burst")]
    public void LimitDeleteRate_OutOfRange_ThrowsNamingTheParameter(double perSecond, int? burst, string name)
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);

        Assert.That(() => stub.LimitDeleteRate(perSecond, burst), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(name));
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry)]
    [TestCase(ConversationServiceKind.Dify)]
    public async Task LimitReadRate_ReadsBeyondTheBurstAre429_AndLimitDeleteRateKeepsIt(ConversationServiceKind kind)
    {
        var clock = new FakeTimeProvider(Start);
        await using var stub = ConversationServiceStub.Start(kind, clock);
        var ids = stub.AddConversationsWithItems(2, 1, "user-1");
        var options = stub.CreateClientOptions();
        options.Retry.MaxRetries = 0;
        var client = ConversationClientFactory.Create(options);
        stub.LimitReadRate(250, burst: 1, RateLimitWaitHeader.Milliseconds);

        // Set after the read limit: the read limit stays, its bucket full again.
        stub.LimitDeleteRate(250, burst: 1);
        var allowed = await client.ListItemsAsync(ids[0], "user-1").ToListAsync();
        var refused = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListItemsAsync(ids[1], "user-1").ToListAsync());
        var deleted = await client.DeleteAsync(ids[1], "user-1");

        var counters = stub.GetCounters();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed, Has.Count.EqualTo(1));
            Assert.That(refused!.StatusCode, Is.EqualTo(429));
            Assert.That(deleted.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted), "reads do not spend the delete bucket");
            Assert.That((counters.ReadRequests, counters.ReadsRateLimited), Is.EqualTo((2L, 1L)));
        }
    }

    [TestCase(ConversationServiceKind.AzureAIFoundry, RateLimitWaitHeader.Seconds, "1", null)]
    [TestCase(ConversationServiceKind.AzureAIFoundry, RateLimitWaitHeader.Milliseconds, "1", "4")]
    [TestCase(ConversationServiceKind.Dify, RateLimitWaitHeader.Date, "Wed, 02 Jan 2030 03:04:06 GMT", null)]
    [TestCase(ConversationServiceKind.Dify, RateLimitWaitHeader.None, null, null)]
    public async Task LimitReadRate_BeyondTheBurst_Answers429WithTheChosenHeader_UntilTheClockMoves(
        ConversationServiceKind kind, RateLimitWaitHeader form, string? retryAfter, string? retryAfterMs)
    {
        var clock = new FakeTimeProvider(Start);
        await using var stub = ConversationServiceStub.Start(kind, clock);
        stub.AddConversations(2, "user-1");
        stub.LimitReadRate(250, burst: 2, form);
        using var http = new HttpClient();

        using var first = await ListAsync(http, stub);
        using var second = await ListAsync(http, stub);
        using var refused = await ListAsync(http, stub);
        var body = await refused.Content.ReadAsStringAsync();
        clock.Advance(TimeSpan.FromMilliseconds(4));
        using var later = await ListAsync(http, stub);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { first.IsSuccessStatusCode, second.IsSuccessStatusCode }, Is.All.True);
            Assert.That((int)refused.StatusCode, Is.EqualTo(429));
            Assert.That(refused.Headers.TryGetValues("Retry-After", out var ra) ? ra.Single() : null, Is.EqualTo(retryAfter));
            Assert.That(refused.Headers.TryGetValues("retry-after-ms", out var ms) ? ms.Single() : null, Is.EqualTo(retryAfterMs));
            Assert.That(body, Does.Contain(kind == ConversationServiceKind.Dify ? "\"too_many_requests\"" : "\"rate_limit_exceeded\""));
            Assert.That(later.IsSuccessStatusCode, Is.True, "4 ms later one more read may go");
            Assert.That((stub.GetCounters().ReadRequests, stub.GetCounters().ReadsRateLimited), Is.EqualTo((4L, 1L)));
        }
    }

    [Test]
    public async Task LimitReadRate_Zero_RemovesTheLimit()
    {
        await using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify, new FakeTimeProvider(Start));
        stub.LimitReadRate(1);
        using var http = new HttpClient();
        using var allowed = await ListAsync(http, stub);
        using var refused = await ListAsync(http, stub);

        stub.LimitReadRate(0);
        using var unlimited = await ListAsync(http, stub);

        Assert.That(new[] { (int)allowed.StatusCode, (int)refused.StatusCode, (int)unlimited.StatusCode }, Is.EqualTo(new[] { 200, 429, 200 }));
    }

    [TestCase(-1.0, null, "readsPerSecond")]
    [TestCase(double.NaN, null, "readsPerSecond")]
    [TestCase(10.0, 0, "burst")]
    public void LimitReadRate_OutOfRange_ThrowsNamingTheParameter(double perSecond, int? burst, string name)
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);

        Assert.That(() => stub.LimitReadRate(perSecond, burst), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(name));
        Assert.That(() => stub.LimitReadRate(1, null, (RateLimitWaitHeader)99),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("waitHeader"));
    }

    private static async Task<HttpResponseMessage> ListAsync(HttpClient http, ConversationServiceStub stub)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stub.BaseAddress + "/conversations?user=user-1"));
        request.Headers.Authorization = new("Bearer", stub.ApiKey);
        request.Headers.Add("x-ms-user-isolation-key", "user-1");
        return await http.SendAsync(request);
    }
}
