using System.Net;
using System.Text;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>How response bodies are read: the size cap, a byte order mark, and 2xx delete bodies of the wrong shape.</summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class ResponseBodyTests(ConversationApiDialect dialect)
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private string? User => TestClients.UserFor(dialect);

    private string Page(params string[] ids)
    {
        var items = string.Join(",", ids.Select(id => "{\"id\":\"" + id + "\",\"created_at\":1741900000}"));
        return dialect == ConversationApiDialect.Dify
            ? $$"""{"limit":20,"has_more":false,"data":[{{items}}]}"""
            : $$"""{"object":"list","data":[{{items}}],"has_more":false}""";
    }

    private static HttpResponseMessage Bytes(HttpStatusCode status, byte[] body, long? declaredLength = null)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (declaredLength is { } length)
        {
            response.Content.Headers.ContentLength = length;
        }

        return response;
    }

    private static byte[] WithBom(string json) => [.. Bom, .. Encoding.UTF8.GetBytes(json)];

    /// <summary>A 2xx delete body of valid JSON, padded past the 1 MiB cap.</summary>
    private static string Oversized() => "{\"deleted\":true,\"pad\":\"" + new string('x', (1024 * 1024) + 16) + "\"}";

    [Test]
    public async Task DeleteAsync_ContentLengthLies_DoesNotAllocateWhatTheHeaderClaims()
    {
        // Eight concurrent deletes whose short bodies claim 32 MiB each, all being read at once.
        const int Calls = 8;
        var gate = new Gate(Calls);
        var handler = new ScriptedHandler().Then(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                // No id in the body: the calls delete eight ids.
                Content = new StreamContent(new GatedStream(Encoding.UTF8.GetBytes(
                    dialect == ConversationApiDialect.Dify ? Responses.DifyLegacySuccess : """{"object":"conversation.deleted","deleted":true}"""), gate)),
            };
            response.Content.Headers.ContentLength = 32L * 1024 * 1024;
            return Task.FromResult(response);
        });
        var client = TestClients.Create(dialect, handler);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var results = await Task.WhenAll(Enumerable.Range(0, Calls).Select(i => client.DeleteAsync($"conv_{i}", User)));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(allocated, Is.LessThan(8 * 1024 * 1024), "bytes allocated by eight deletes");
    }

    /// <summary>Opens once <c>count</c> readers wait at it, so that their buffers are all held at the same time.</summary>
    private sealed class Gate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public Task WaitAsync()
        {
            if (Interlocked.Increment(ref _waiting) == count)
            {
                _open.SetResult();
            }

            return _open.Task;
        }
    }

    /// <summary>A body whose first read waits at the gate.</summary>
    private sealed class GatedStream(byte[] body, Gate gate) : MemoryStream(body, writable: false)
    {
        private bool _waited;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_waited)
            {
                _waited = true;
                await gate.WaitAsync().WaitAsync(cancellationToken);
            }

            return await base.ReadAsync(buffer, cancellationToken);
        }
    }

    [Test]
    public async Task DeleteAsync_SuccessBodyOverTheCap_IsFailedResponseTooLarge()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, Oversized());
        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error?.Code, Is.EqualTo("response_too_large"));
            Assert.That(result.Attempts, Is.EqualTo(1), "an oversized body is not retried");
        }
    }

    [Test]
    public void ListAsync_PageOverTheCap_ThrowsConversationApiExceptionResponseTooLarge()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, Page("a").Insert(1, "\"pad\":\"" + new string('x', 1024 * 1024) + "\","));
        var client = TestClients.Create(dialect, handler);

        var ex = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(User).ToListAsync());

        Assert.That(ex!.Error?.Code, Is.EqualTo("response_too_large"));
        Assert.That(ex.StatusCode, Is.EqualTo(200));
        Assert.That(ex.Message, Is.EqualTo($"Listing conversations failed: {ex.Error!.Message}"), "a 2xx is not said to be a failed status");
    }

    [Test]
    public async Task DeleteAsync_DeletedFalseAfterAByteOrderMark_IsFailedNotDeleted()
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(Bytes(HttpStatusCode.OK, WithBom(Responses.OpenAINotDeleted))));
        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.NotDeletedCode));
    }

    [Test]
    public async Task ListAsync_PageAfterAByteOrderMark_IsRead()
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(Bytes(HttpStatusCode.OK, WithBom(Page("a", "b")))));
        var items = await TestClients.Create(dialect, handler).ListAsync(User).ToListAsync();

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task DeleteAsync_ErrorBodyAfterAByteOrderMark_IsParsed()
    {
        var handler = new ScriptedHandler().Then(_ => Task.FromResult(
            Bytes(HttpStatusCode.BadRequest, WithBom(Responses.OpenAIError("invalid_value", "Bad id.")))));
        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        Assert.That(result.Error?.Code, Is.EqualTo("invalid_value"));
    }

    [TestCase("<html><body>Welcome to nginx!</body></html>", "text/html")]
    [TestCase("OK", "text/plain")]
    [TestCase("[true]", "application/json")]
    [TestCase("\"deleted\"", "application/json")]
    public async Task DeleteAsync_2xxBodyThatIsNotTheDialectsShape_IsFailedUnexpectedResponse(string body, string mediaType)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, null,
            r => r.Content = new StringContent(body, Encoding.UTF8, mediaType));
        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error?.Code, Is.EqualTo("unexpected_response"));
            Assert.That(result.Error?.RawBody, Is.EqualTo(body));
        }
    }

    [TestCase("")]
    [TestCase(" \r\n")]
    public async Task DeleteAsync_2xxWithEmptyOrBlankBody_IsDeleted(string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);
        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
    }
}
