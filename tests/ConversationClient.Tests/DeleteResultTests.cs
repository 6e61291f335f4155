using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>Every row of the result table, in both dialects.</summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class DeleteResultTests(ConversationApiDialect dialect)
{
    private string? User => TestClients.UserFor(dialect);

    private async Task<(DeleteConversationResult Result, ScriptedHandler Handler)> DeleteAsync(
        Action<ScriptedHandler> script, Action<ConversationClientOptions>? configure = null)
    {
        var handler = new ScriptedHandler();
        script(handler);
        var client = TestClients.Create(dialect, handler, configure);
        var result = await client.DeleteAsync("conv_1", User);
        return (result, handler);
    }

    [Test]
    public async Task DeleteAsync_200WithTheDialectsConfirmation_ReturnsDeleted()
    {
        var confirmation = dialect == ConversationApiDialect.OpenAI ? Responses.OpenAIDeleted : Responses.DifyLegacySuccess;
        var (result, handler) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, confirmation,
            r => r.Headers.Add("x-request-id", "req-1")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(result.IsSuccess, Is.True);
            Assert.That(result.ConversationId, Is.EqualTo("conv_1"));
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(result.RequestId, Is.EqualTo("req-1"));
            Assert.That(result.RetryAfter, Is.Null);
            Assert.That(result.NotFoundAfterRetry, Is.False);
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task DeleteAsync_204_ReturnsDeleted()
    {
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.StatusCode, Is.EqualTo(204));
    }

    [Test]
    public async Task DeleteAsync_LegacyResultSuccess_IsDeletedOnDifyOnly()
    {
        // Old Dify servers' answer; an OpenAI-dialect object confirms only with "deleted": true.
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, Responses.DifyLegacySuccess));

        Assert.That(result.Outcome, Is.EqualTo(dialect == ConversationApiDialect.Dify ? DeleteConversationOutcome.Deleted : DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(dialect == ConversationApiDialect.Dify ? null : ConversationApiError.UnexpectedResponseCode));
    }

    [Test]
    public async Task DeleteAsync_200WithNullConversationFields_IsDeletedOnDifyOnly()
    {
        // Dify 0.8–0.10 answered the deleted conversation's fields, all null.
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, """{"id":null,"name":null,"inputs":null,"status":null}"""));

        Assert.That(result.Outcome, Is.EqualTo(dialect == ConversationApiDialect.Dify ? DeleteConversationOutcome.Deleted : DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(dialect == ConversationApiDialect.Dify ? null : ConversationApiError.UnexpectedResponseCode));
    }

    [TestCase(HttpStatusCode.OK)]
    [TestCase(HttpStatusCode.NoContent)]
    [TestCase(HttpStatusCode.Accepted)]
    public async Task DeleteAsync_2xxWithEmptyBody_ReturnsDeleted(HttpStatusCode status)
    {
        var (result, _) = await DeleteAsync(h => h.Then(status, ""));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.StatusCode, Is.EqualTo((int)status));
    }

    [Test]
    public async Task DeleteAsync_200WithDeletedFalse_ReturnsFailedNotDeleted()
    {
        var (result, handler) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, Responses.OpenAINotDeleted));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.IsSuccess, Is.False);
            Assert.That(result.StatusCode, Is.EqualTo(200));
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.NotDeletedCode));
            Assert.That(handler.Requests, Has.Count.EqualTo(1), "a refusal is not retried");
        }
    }

    [Test]
    public async Task DeleteAsync_200WithResultOtherThanSuccess_ReturnsFailedNotDeleted()
    {
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, """{"result":"error"}"""));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.NotDeletedCode));
    }

    [Test]
    public async Task DeleteAsync_200WithResultNotValidUtf16_DoesNotThrow()
    {
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.OK, """{"result":"\ud800"}"""));

        Assert.That(result.StatusCode, Is.EqualTo(200));
    }

    private string ConversationMissing => dialect == ConversationApiDialect.OpenAI ? Responses.OpenAINotFound : Responses.DifyNotFound;

    [Test]
    public async Task DeleteAsync_404ConversationMissingInTheDialectsEnvelope_ReturnsNotFoundWithParsedError()
    {
        var (result, handler) = await DeleteAsync(h => h.Then(HttpStatusCode.NotFound, ConversationMissing));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(result.IsSuccess, Is.False);
            Assert.That(result.StatusCode, Is.EqualTo(404));
            Assert.That(result.Error?.Code, Is.EqualTo(dialect == ConversationApiDialect.OpenAI ? null : "not_found"));
            Assert.That(result.Error?.Type, Is.EqualTo(dialect == ConversationApiDialect.OpenAI ? "invalid_request_error" : null));
            Assert.That(result.Error?.Message, Is.EqualTo(dialect == ConversationApiDialect.OpenAI
                ? "Conversation with id 'conv_1' not found."
                : "Conversation Not Exists."));
            Assert.That(result.NotFoundAfterRetry, Is.False);
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task DeleteAsync_404WithoutBody_ReturnsFailedEndpointNotFound()
    {
        // Dify routes only UUIDs: an empty 404 for another id is reported as such (see DifyNonUuidIdTests).
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound);
        var client = TestClients.Create(dialect, handler);

        var result = await client.DeleteAsync("5ad4cb98-f0c7-4085-b384-88c403be6290", User);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.EndpointNotFoundCode));
        Assert.That(result.Error?.RawBody, Is.Null);
    }

    [Test]
    public async Task DeleteAsync_404AfterAFailedAttempt_FlagsNotFoundAfterRetry()
    {
        var (result, handler) = await DeleteAsync(h => h
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.NotFound, ConversationMissing));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.NotFound));
            Assert.That(result.NotFoundAfterRetry, Is.True);
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(handler.Requests, Has.Count.EqualTo(2));
        }
    }

    [TestCase(HttpStatusCode.BadRequest, "not_chat_app")]
    [TestCase(HttpStatusCode.Unauthorized, "unauthorized")]
    [TestCase(HttpStatusCode.Forbidden, "forbidden")]
    [TestCase(HttpStatusCode.Conflict, "conflict")]
    [TestCase(HttpStatusCode.UnprocessableEntity, "invalid_param")]
    public async Task DeleteAsync_Other4xx_ReturnsFailedWithoutRetry(HttpStatusCode status, string code)
    {
        var body = dialect == ConversationApiDialect.OpenAI
            ? Responses.OpenAIError(code, "No.")
            : Responses.DifyError(code, "No.", (int)status);
        var (result, handler) = await DeleteAsync(h => h.Then(status, body).Then(HttpStatusCode.NoContent));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo((int)status));
            Assert.That(result.Error?.Code, Is.EqualTo(code));
            Assert.That(result.Error?.Message, Is.EqualTo("No."));
            Assert.That(result.Attempts, Is.EqualTo(1));
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
        }
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public async Task DeleteAsync_TransientStatusThatPersists_ReturnsFailedWithLastErrorAfterAllRetries(HttpStatusCode status)
    {
        var (result, handler) = await DeleteAsync(h => h
            .Then(status, Responses.OpenAIError("first", "first answer"))
            .Then(status, Responses.OpenAIError("last", "last answer"),
                r => r.Headers.Add("apim-request-id", "apim-9")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo((int)status));
            Assert.That(result.Error?.Code, Is.EqualTo("last"));
            Assert.That(result.Attempts, Is.EqualTo(4), "one attempt and the 3 default retries");
            Assert.That(handler.Requests, Has.Count.EqualTo(4));
            Assert.That(result.RequestId, Is.EqualTo("apim-9"));
            Assert.That(result.RetryAfter, Is.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_HtmlFromGateway_KeepsRawBody()
    {
        const string html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        var (result, _) = await DeleteAsync(h => h.Then(HttpStatusCode.BadGateway, null,
            r => r.Content = new StringContent(html, System.Text.Encoding.UTF8, "text/html")));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
        Assert.That(result.Error?.RawBody, Is.EqualTo(html));
        Assert.That(result.Error?.Message, Does.Contain("502"));
    }

    [Test]
    public async Task DeleteAsync_ConnectionFailureThatPersists_ReturnsFailedWithoutStatus()
    {
        var (result, handler) = await DeleteAsync(h => h.ThenThrow(new HttpRequestException("Connection refused")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.Null);
            Assert.That(result.RequestId, Is.Null);
            Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
            Assert.That(result.Error?.Message, Does.Contain("4 attempts"));
            Assert.That(result.Attempts, Is.EqualTo(4));
            Assert.That(handler.Requests, Has.Count.EqualTo(4));
        }
    }

    [Test]
    public async Task DeleteAsync_BodyBreaksOffThenSucceeds_RetriesAndReturnsDeleted()
    {
        var (result, handler) = await DeleteAsync(h => h
            .Then(HttpStatusCode.OK, null, r => r.Content = new StreamContent(new BrokenStream()))
            .Then(HttpStatusCode.NoContent));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(2));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task DeleteAsync_204_DoesNotReadTheBody()
    {
        // A 204 has no body: a handler's stream for it is not read, so one that would break off fails nothing.
        var (result, handler) = await DeleteAsync(h => h
            .Then(HttpStatusCode.NoContent, null, r => r.Content = new StreamContent(new BrokenStream())));

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DeleteAsync_CallerCancels_ThrowsOperationCanceledException()
    {
        var handler = new ScriptedHandler().ThenHang();
        var client = TestClients.Create(dialect, handler);
        using var cts = new CancellationTokenSource();

        var call = client.DeleteAsync("conv_1", User, cts.Token);
        await cts.CancelAsync();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void DeleteAsync_TokenAlreadyCancelled_ThrowsAndSendsNothing()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler);

        Assert.That(async () => await client.DeleteAsync("conv_1", User, new CancellationToken(canceled: true)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task DeleteAsync_TokenProviderThrows_ReturnsFailedCredentialUnavailable()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var client = TestClients.Create(dialect, handler, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => throw new InvalidOperationException("no identity");
        });

        var result = await client.DeleteAsync("conv_1", User);

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.CredentialUnavailableCode));
        Assert.That(result.StatusCode, Is.Null);
        Assert.That(handler.Requests, Is.Empty);
    }

    /// <summary>A body that breaks off after a few bytes, like a reset connection mid-response.</summary>
    private sealed class BrokenStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ == 0)
            {
                buffer[offset] = (byte)'{';
                return 1;
            }

            throw new IOException("The connection was reset.");
        }
    }
}
