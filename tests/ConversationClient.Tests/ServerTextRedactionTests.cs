using System.Net;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// Servers that echo the credential they were sent (proxies, self-hosted servers): the API key and the bearer token
/// of the attempt are replaced by <c>[redacted]</c> in every server-supplied string a result or an exception keeps.
/// </summary>
[TestFixture(ConversationApiDialect.OpenAI)]
[TestFixture(ConversationApiDialect.Dify)]
public sealed class ServerTextRedactionTests(ConversationApiDialect dialect)
{
    private const string Key = TestClients.ApiKey;
    private const string Marker = "[redacted]";

    private string? User => TestClients.UserFor(dialect);

    private static IEnumerable<string?> Texts(ConversationApiError? error)
    {
        if (error is null)
        {
            yield break;
        }

        yield return error.Code;
        yield return error.Message;
        yield return error.Param;
        yield return error.Type;
        yield return error.RawBody;
        yield return error.AdditionalInfo?.GetRawText();
        yield return error.DebugInfo?.GetRawText();
        yield return error.ToString();
        foreach (var detail in error.Details)
        {
            foreach (var text in Texts(detail))
            {
                yield return text;
            }
        }
    }

    private static void AssertClean(DeleteConversationResult result, string secret)
    {
        var exception = Assert.Throws<ConversationApiException>(() => result.EnsureSuccess());
        string?[] texts = [.. Texts(result.Error), result.ToString(), result.RequestId, exception.Message];
        Assert.That(texts.OfType<string>(), Has.None.Contains(secret));
    }

    [Test]
    public async Task DeleteAsync_401EchoingTheKeyEverywhere_KeepsNoKeyInTheResultOrTheException()
    {
        var body = $$$"""
            {"error":{"message":"Incorrect API key provided: Bearer {{{Key}}}","type":"auth {{{Key}}}","param":"{{{Key}}}","code":"invalid_api_key",
             "details":[{"code":"key","message":"the key {{{Key}}} is unknown"}],"additionalInfo":{"key":"{{{Key}}}"},"debugInfo":["{{{Key}}}"]}}
            """;
        var handler = new ScriptedHandler().Then(HttpStatusCode.Unauthorized, body, r => r.Headers.TryAddWithoutValidation("x-request-id", "req " + Key));

        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        AssertClean(result, Key);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Message, Is.EqualTo($"Incorrect API key provided: Bearer {Marker}"));
            Assert.That(result.Error?.Code, Is.EqualTo("invalid_api_key"));
            Assert.That(result.Error?.Details.Single().Message, Is.EqualTo($"the key {Marker} is unknown"));
            Assert.That(result.Error?.AdditionalInfo?.GetProperty("key").GetString(), Is.EqualTo(Marker));
            Assert.That(result.RequestId, Is.EqualTo("req " + Marker));
        }
    }

    [Test]
    public async Task DeleteAsync_KeyEchoedWhereItsMarkerBreaksTheJson_DropsThatMemberAndCleansTheRest()
    {
        // A numeric key echoed as a JSON number: "[redacted]" in its place is no longer JSON, so the member goes.
        const string numericKey = "9876543210";
        var body = $$$"""
            {"error":{"message":"bad key {{{numericKey}}}","code":"invalid_api_key","additionalInfo":{"key":"{{{numericKey}}}"},"debugInfo":{{{numericKey}}},
             "details":[{"code":"key","message":"unknown","debugInfo":[{{{numericKey}}}]}]}}
            """;
        var handler = new ScriptedHandler().Then(HttpStatusCode.Unauthorized, body);

        var result = await TestClients.Create(dialect, handler, o => o.ApiKey = numericKey).DeleteAsync("conv_1", User);

        AssertClean(result, numericKey);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.DebugInfo, Is.Null);
            Assert.That(result.Error?.Details.Single().DebugInfo, Is.Null);
            Assert.That(result.Error?.Details.Single().Message, Is.EqualTo("unknown"));
            Assert.That(result.Error?.AdditionalInfo?.GetProperty("key").GetString(), Is.EqualTo(Marker));
            Assert.That(result.Error?.Message, Is.EqualTo($"bad key {Marker}"));
        }
    }

    [Test]
    public async Task DeleteAsync_HtmlErrorAndReasonPhraseEchoingTheKey_KeepNoKey()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Forbidden, null, r =>
        {
            r.ReasonPhrase = "Forbidden for " + Key;
            r.Content = new StringContent($"<html><body>Authorization: Bearer {Key}</body></html>");
        });

        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        AssertClean(result, Key);
        Assert.That(result.Error?.RawBody, Is.EqualTo($"<html><body>Authorization: Bearer {Marker}</body></html>"));
        Assert.That(result.Error?.Message, Does.Contain("Forbidden for " + Marker));
    }

    [Test]
    public async Task DeleteAsync_200BodyEchoingTheKey_KeepsNoKeyInItsRawBody()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, $"<p>OK {Key}</p>");

        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", User);

        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        AssertClean(result, Key);
    }

    [Test]
    public async Task DeleteAsync_KeyInTheApiKeyHeaderEchoed_IsRedacted()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Unauthorized, Responses.OpenAIError("invalid_api_key", $"api-key {Key} is not valid"));

        var result = await TestClients.Create(dialect, handler, o => o.ApiKeyHeaderName = "api-key").DeleteAsync("conv_1", User);

        AssertClean(result, Key);
        Assert.That(result.Error?.Message, Is.EqualTo($"api-key {Marker} is not valid"));
    }

    [Test]
    public async Task DeleteAsync_TokenOfTheAttemptEchoed_IsRedacted()
    {
        // Each attempt gets a new token; the answer that ends the call echoes the second one.
        var tokens = new Queue<string>(["tok-SECRET-first-attempt", "tok-SECRET-second-attempt"]);
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.Unauthorized, Responses.OpenAIError("invalid_token", "Bearer tok-SECRET-second-attempt has expired"));
        var client = TestClients.Create(dialect, handler, o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult(tokens.Dequeue());
        });

        var result = await client.DeleteAsync("conv_1", User);

        Assert.That(result.Attempts, Is.EqualTo(2));
        AssertClean(result, "tok-SECRET-second-attempt");
        Assert.That(result.Error?.Message, Is.EqualTo($"Bearer {Marker} has expired"));
    }

    [Test]
    public async Task ListAsync_401EchoingTheKey_ThrowsAnExceptionWithoutTheKey()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Unauthorized,
            dialect == ConversationApiDialect.OpenAI
                ? Responses.OpenAIError("invalid_api_key", $"Incorrect API key provided: {Key}")
                : Responses.DifyError("unauthorized", $"Invalid key {Key}", 401));
        var client = TestClients.Create(dialect, handler);

        var exception = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var _ in client.ListAsync(User))
            {
            }
        });

        Assert.That(exception!.Message, Does.Not.Contain(Key).And.Contain(Marker));
        Assert.That(Texts(exception.Error).OfType<string>(), Has.None.Contains(Key));
    }

    [Test]
    public void ListAsync_ATransportErrorQuotingTheKey_ThrowsAnExceptionWithoutTheKey()
    {
        // SocketsHttpHandler quotes a malformed header line in its message; the page's exception keeps the transport
        // failure as its inner exception.
        var handler = new ScriptedHandler().ThenThrow(new HttpRequestException(HttpRequestError.InvalidResponse,
            $"Received an invalid header line: 'Echo Bearer {Key}'."));
        var client = TestClients.Create(dialect, handler, o => o.Retry.MaxRetries = 0);

        var exception = Assert.ThrowsAsync<ConversationApiException>(async () =>
        {
            await foreach (var _ in client.ListAsync(User))
            {
            }
        });

        Assert.That(exception!.Error?.Code, Is.EqualTo(ConversationApiError.ConnectionFailedCode));
        Assert.That(exception.Message, Does.Contain(Marker));
        Assert.That(exception.ToString(), Does.Not.Contain(Key), "neither the message nor the inner exception");
    }

    private const string EndUser = "alice@example.com";

    [Test]
    public async Task DeleteAsync_AnErrorEchoingTheUser_KeepsNoUserInTheResultOrTheException()
    {
        // The README: the user id never appears in an exception message or a result's ToString(); a server that echoes
        // it (a header or body value it refuses) put it in both.
        var handler = new ScriptedHandler().Then(HttpStatusCode.BadRequest,
            dialect == ConversationApiDialect.OpenAI
                ? Responses.OpenAIError("invalid_user", $"The user isolation key '{EndUser}' is not allowed.")
                : Responses.DifyError("invalid_param", $"User {EndUser} is not allowed.", 400),
            r => r.Headers.TryAddWithoutValidation("x-request-id", "req-" + EndUser));

        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", EndUser);

        AssertClean(result, EndUser);
        Assert.That(result.Error?.Message, Does.Contain(Marker));
    }

    [Test]
    public void ListAsync_AnErrorEchoingTheUser_ThrowsAnExceptionWithoutTheUser()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.BadRequest,
            dialect == ConversationApiDialect.OpenAI
                ? Responses.OpenAIError("invalid_user", $"The user isolation key '{EndUser}' is not allowed.")
                : Responses.DifyError("invalid_param", $"User {EndUser} is not allowed.", 400));
        var client = TestClients.Create(dialect, handler);

        var exception = Assert.ThrowsAsync<ConversationApiException>(async () => await client.ListAsync(EndUser).ToListAsync());

        Assert.That(exception!.Message, Does.Not.Contain(EndUser).And.Contain(Marker));
        Assert.That(Texts(exception.Error).OfType<string>(), Has.None.Contains(EndUser));
    }

    // A user id is cut out where it stands alone, not out of every word that holds it ("u" in "User", "user-1" in
    // "user-1x"): at the very start of the text, more than once, and beside other words.
    [TestCase("u", "User u: not found.", "User {0}: not found.")]
    [TestCase("user-1", "user-1 is not user-1x; user-1 again.", "{0} is not user-1x; {0} again.")]
    public async Task DeleteAsync_TheUser_IsRedactedWhereItStandsAloneOnly(string user, string message, string expected)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.BadRequest,
            dialect == ConversationApiDialect.OpenAI
                ? Responses.OpenAIError("invalid_user", message)
                : Responses.DifyError("invalid_param", message, 400));

        var result = await TestClients.Create(dialect, handler).DeleteAsync("conv_1", user);

        Assert.That(result.Error?.Message, Is.EqualTo(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, Marker)));
    }
}
