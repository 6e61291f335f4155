using System.Net;
using System.Net.Http.Headers;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>The in-memory services the batch tests run on: the shared rules' lagging listing, which those tests depend on.</summary>
[TestFixture(ConversationApiDialect.Dify)]
[TestFixture(ConversationApiDialect.OpenAI)]
public sealed class InMemoryConversationServiceTests(ConversationApiDialect dialect)
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task KeepListingDeleted_ADeletedConversationStaysListedOnlyWhenTheListingLags(bool lags)
    {
        using var service = new InMemoryConversationService(dialect) { KeepListingDeleted = lags };
        var ids = service.Seed(3, "user-1");
        using var http = new HttpClient(service, disposeHandler: false);

        using var first = await SendAsync(http, HttpMethod.Delete, ids[1]);
        using var second = await SendAsync(http, HttpMethod.Delete, ids[1]);
        using var list = await SendAsync(http, HttpMethod.Get, null);
        var listed = await list.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.IsSuccessStatusCode, Is.True);
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "deleted is deleted, listed or not");
            Assert.That(listed, lags ? Does.Contain(ids[1]) : Does.Not.Contain(ids[1]));
            Assert.That(listed, Does.Contain(ids[0]).And.Contain(ids[2]));
            Assert.That(service.Count, Is.EqualTo(2));
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string? id)
    {
        var options = TestClients.Options(dialect);
        var dify = dialect == ConversationApiDialect.Dify;
        var path = id is null ? "/conversations" + (dify ? "?user=user-1" : string.Empty) : "/conversations/" + id;
        var request = new HttpRequestMessage(method, options.BaseAddress!.AbsoluteUri.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        if (dify && id is not null)
        {
            request.Content = new StringContent("{\"user\":\"user-1\"}", System.Text.Encoding.UTF8, "application/json");
        }
        else if (!dify)
        {
            request.Headers.Add(ConversationClientOptions.DefaultUserIsolationHeaderName, "user-1");
        }

        return http.SendAsync(request);
    }
}
