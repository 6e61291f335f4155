using System.Net;
using System.Text;
using ConversationClient.Pipeline;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// What the Refit-generated dialect APIs hand to the handlers: the call's state in the request's options,
/// the headers the handler adds, and a Dify body that every attempt sends in full although Refit disposes it after the call.
/// </summary>
public sealed class TransportTests
{
    /// <summary>Sees each attempt's request as the transport gets it (before the scripted answer).</summary>
    private sealed class Capture(ScriptedHandler inner) : DelegatingHandler(inner)
    {
        public List<(HttpRequestMessage Request, CallState? State, long? ContentLength, string? Body)> Attempts { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var state = CallState.Of(request);
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Attempts)
            {
                Attempts.Add((request, state, request.Content?.Headers.ContentLength, body));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static (IConversationClient Client, Capture Capture, ScriptedHandler Scripted) Create(ConversationApiDialect dialect,
        Action<ScriptedHandler> script, Action<ConversationClientOptions>? configure = null)
    {
        var scripted = new ScriptedHandler();
        script(scripted);
        var capture = new Capture(scripted);
        var client = ConversationClientFactory.Create(TestClients.Options(dialect, configure), capture, TimeProvider.System, () => 0.5);
        return (client, capture, scripted);
    }

    [Test]
    public async Task DeleteAsync_Dify_RetriedAttemptSendsTheFullBodyWithContentLength_AndRefitDisposesItAfterTheCall()
    {
        var (client, capture, _) = Create(ConversationApiDialect.Dify,
            s => s.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.InternalServerError).Then(HttpStatusCode.NoContent));

        var result = await client.DeleteAsync("conv_1", "user-42");

        const string expected = """{"user":"user-42"}""";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
            Assert.That(capture.Attempts, Has.Count.EqualTo(3));
            Assert.That(capture.Attempts.Select(a => a.Body), Is.All.EqualTo(expected));
            Assert.That(capture.Attempts.Select(a => a.ContentLength), Is.All.EqualTo(Encoding.UTF8.GetByteCount(expected)));
            Assert.That(capture.Attempts.Select(a => a.Request).Distinct().Count(), Is.EqualTo(1), "one request, sent again by each attempt");
            // The same content instance went out three times; after the call Refit has disposed it.
            Assert.That(() => capture.Attempts[0].Request.Content!.ReadAsStringAsync(), Throws.TypeOf<ObjectDisposedException>());
        }
    }

    [Test]
    public async Task DeleteAsync_CallsStateTravelsInTheRequestsOptions_OneStateForAllAttempts()
    {
        var (client, capture, _) = Create(ConversationApiDialect.OpenAI, s => s.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.NoContent));

        var result = await client.DeleteAsync("conv_9", "end-user-7");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(capture.Attempts.Select(a => a.Request.GetType()), Is.All.EqualTo(typeof(HttpRequestMessage)));
            Assert.That(capture.Attempts.Select(a => a.State?.ConversationId), Is.All.EqualTo("conv_9"));
            Assert.That(capture.Attempts[0].State, Is.SameAs(capture.Attempts[1].State));
            Assert.That(capture.Attempts[0].State!.RequestUri, Is.SameAs(capture.Attempts[0].Request.RequestUri), "the handler began the call with the facade's state");
            Assert.That(capture.Attempts[0].State!.User, Is.EqualTo("end-user-7"));
            Assert.That(capture.Attempts[0].State!.Attempts, Is.EqualTo(2), "the handler filled in the state the facade reads");
            // An OpenAI DELETE has no content at all (not even an empty one).
            Assert.That(capture.Attempts.Select(a => a.Request.Content), Is.All.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_ConcurrentCalls_EachRequestGetsItsOwnCallsState()
    {
        var scripted = new ScriptedHandler();
        for (var i = 0; i < 20; i++)
        {
            scripted.Then(HttpStatusCode.NoContent);
        }

        var capture = new Capture(scripted);
        var client = ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.OpenAI), capture, TimeProvider.System, () => 0.5);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => client.DeleteAsync($"conv_{i}", $"user-{i}"))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Attempts), Is.All.EqualTo(1));
            Assert.That(capture.Attempts.Select(a => a.State).Distinct().Count(), Is.EqualTo(20));
            foreach (var (request, state, _, _) in capture.Attempts)
            {
                var id = request.RequestUri!.Segments[^1];
                Assert.That(state!.ConversationId, Is.EqualTo(id));
                Assert.That(state.User, Is.EqualTo("user-" + id["conv_".Length..]));
                Assert.That(state.RequestUri, Is.SameAs(request.RequestUri));
            }
        }
    }

    [Test]
    public async Task ListAsync_OpenAI_HandlerAddsTheConfiguredIsolationHeaderAndProjectHeaders()
    {
        var (client, _, scripted) = Create(ConversationApiDialect.OpenAI, s => s.Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}"""),
            o =>
            {
                o.UserIsolationHeaderName = "x-custom-user";
                o.OrganizationId = "org-1";
                o.ProjectId = "proj-1";
            });

        await foreach (var _ in client.ListAsync("end-user-7"))
        {
        }

        var request = scripted.Single;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Header("x-custom-user"), Is.EqualTo("end-user-7"));
            Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null);
            Assert.That(request.Header("OpenAI-Organization"), Is.EqualTo("org-1"));
            Assert.That(request.Header("OpenAI-Project"), Is.EqualTo("proj-1"));
            Assert.That(request.Body, Is.Null);
        }
    }

    [Test]
    public async Task DeleteAsync_Retried_EveryAttemptCarriesEachHeaderOnce()
    {
        // The headers are set per attempt on the one request that every attempt sends again: set, not added twice.
        var (client, _, scripted) = Create(ConversationApiDialect.OpenAI,
            s => s.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.NoContent),
            o =>
            {
                o.OrganizationId = "org-1";
                o.ProjectId = "proj-1";
            });

        var result = await client.DeleteAsync("conv_1", "end-user-7");

        Assert.That(result.Attempts, Is.EqualTo(3));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(scripted.Requests.Select(r => r.Header("x-ms-user-isolation-key")), Is.All.EqualTo("end-user-7"));
            Assert.That(scripted.Requests.Select(r => r.Header("OpenAI-Organization")), Is.All.EqualTo("org-1"));
            Assert.That(scripted.Requests.Select(r => r.Header("OpenAI-Project")), Is.All.EqualTo("proj-1"));
            Assert.That(scripted.Requests.Select(r => r.Header("Authorization")), Is.All.EqualTo("Bearer " + TestClients.ApiKey));
        }
    }

    [Test]
    public async Task ListAsync_Dify_UserGoesEscapedInTheQueryAndNoIsolationHeaderIsSent()
    {
        var (client, _, scripted) = Create(ConversationApiDialect.Dify, s => s.Then(HttpStatusCode.OK, """{"limit":20,"has_more":false,"data":[]}"""));

        await foreach (var _ in client.ListAsync("a b&c=ü"))
        {
        }

        var request = scripted.Single;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Uri.Query, Is.EqualTo("?user=a%20b%26c%3D%C3%BC&limit=100"), "escaped like Uri.EscapeDataString; null last_id and sort_by left out");
            Assert.That(request.Header("x-ms-user-isolation-key"), Is.Null);
            Assert.That(request.Body, Is.Null);
        }
    }
}
