using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using ConversationClient.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using LoopbackHost = ConversationClient.Testing.Services.LoopbackHost;

namespace ConversationClient.Tests;

/// <summary>Registration with the real container and the real <see cref="IHttpClientFactory"/>; only the socket is scripted.</summary>
public sealed class DependencyInjectionTests
{
    private static void OpenAI(ConversationClientOptions o)
    {
        o.Dialect = ConversationApiDialect.OpenAI;
        o.BaseAddress = new Uri(TestClients.OpenAIBase);
        o.ApiKey = TestClients.ApiKey;
        o.Retry.BaseDelay = TimeSpan.Zero;
    }

    private static void Dify(ConversationClientOptions o)
    {
        o.Dialect = ConversationApiDialect.Dify;
        o.BaseAddress = new Uri(TestClients.DifyBase);
        o.ApiKey = "app-dify-key";
        o.Retry.BaseDelay = TimeSpan.Zero;
    }

    [Test]
    public async Task AddConversationClient_Action_ResolvesAWorkingClient()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.OK, Responses.OpenAIDeleted);
        var services = new ServiceCollection();
        services.AddConversationClient(OpenAI).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        var client = provider.GetRequiredService<IConversationClient>();
        var result = await client.DeleteAsync("conv_1", "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Deleted));
        Assert.That(result.Attempts, Is.EqualTo(2), "the resilience handler is in the chain");
        Assert.That(handler.Requests[0].Uri.AbsoluteUri, Is.EqualTo($"{TestClients.OpenAIBase}/conversations/conv_1"));
        Assert.That(handler.Requests[0].Header("x-ms-user-isolation-key"), Is.EqualTo("user-1"));
    }

    [Test]
    public async Task AddConversationClient_Named_RegistersKeyedClientsThatTalkToTheirOwnService()
    {
        var openAIHandler = new ScriptedHandler().Then(HttpStatusCode.OK, Responses.OpenAIDeleted);
        var difyHandler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var services = new ServiceCollection();
        services.AddConversationClient("foundry", OpenAI).ConfigurePrimaryHttpMessageHandler(() => openAIHandler);
        services.AddConversationClient("dify", Dify).ConfigurePrimaryHttpMessageHandler(() => difyHandler);
        await using var provider = services.BuildServiceProvider();

        var foundry = provider.GetRequiredKeyedService<IConversationClient>("foundry");
        var dify = provider.GetRequiredKeyedService<IConversationClient>("dify");
        await foundry.DeleteAsync("conv_a");
        await dify.DeleteAsync("conv_b", "u");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(openAIHandler.Single.Uri.AbsolutePath, Is.EqualTo("/openai/v1/conversations/conv_a"));
            Assert.That(openAIHandler.Single.Header("Authorization"), Is.EqualTo($"Bearer {TestClients.ApiKey}"));
            Assert.That(difyHandler.Single.Uri.AbsolutePath, Is.EqualTo("/v1/conversations/conv_b"));
            Assert.That(difyHandler.Single.Header("Authorization"), Is.EqualTo("Bearer app-dify-key"));
            Assert.That(difyHandler.Single.Body, Is.EqualTo("""{"user":"u"}"""));
            Assert.That(provider.GetService<IConversationClient>(), Is.Null, "named clients are keyed only");
        }
    }

    [Test]
    public async Task AddConversationClient_Configuration_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Conversations:Dialect"] = "openai",
            ["Conversations:BaseAddress"] = "https://res.openai.azure.com/openai/v1/",
            ["Conversations:ApiKey"] = "azure-key",
            ["Conversations:ApiKeyHeaderName"] = "api-key",
            ["Conversations:UserIsolationHeaderName"] = "x-ms-user-identity",
            ["Conversations:OrganizationId"] = "org-1",
            ["Conversations:ProjectId"] = "proj-1",
            ["Conversations:AttemptTimeout"] = "00:00:05",
            ["Conversations:TotalTimeout"] = "00:00:20",
            ["Conversations:Retry:MaxRetries"] = "5",
            ["Conversations:Retry:BaseDelay"] = "00:00:00.2",
            ["Conversations:Retry:MaxDelay"] = "00:00:04",
        }).Build();
        var services = new ServiceCollection();
        services.AddConversationClient(configuration.GetSection("Conversations"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<ConversationClientOptions>>().Get(Options.DefaultName);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Dialect, Is.EqualTo(ConversationApiDialect.OpenAI));
            Assert.That(options.BaseAddress, Is.EqualTo(new Uri("https://res.openai.azure.com/openai/v1/")));
            Assert.That(options.ApiKey, Is.EqualTo("azure-key"));
            Assert.That(options.ApiKeyHeaderName, Is.EqualTo("api-key"));
            Assert.That(options.UserIsolationHeaderName, Is.EqualTo("x-ms-user-identity"));
            Assert.That(options.OrganizationId, Is.EqualTo("org-1"));
            Assert.That(options.ProjectId, Is.EqualTo("proj-1"));
            Assert.That(options.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(options.Retry.MaxRetries, Is.EqualTo(5));
            Assert.That(options.Retry.BaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(options.Retry.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(4)));
        }
    }

    [Test]
    public async Task AddConversationClient_NamedConfigurationWithOverride_AppliesBoth()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialect"] = "Dify",
            ["BaseAddress"] = "https://api.dify.ai/v1",
        }).Build();
        var services = new ServiceCollection();
        services.AddConversationClient("dify", configuration, o => o.ApiKey = "app-from-code")
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredKeyedService<IConversationClient>("dify").DeleteAsync("c1", "u1");

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(handler.Single.Uri.AbsoluteUri, Is.EqualTo("https://api.dify.ai/v1/conversations/c1"));
        Assert.That(handler.Single.Header("Authorization"), Is.EqualTo("Bearer app-from-code"));
    }

    [Test]
    public async Task AddConversationClient_ConfigurationValueInvalid_NamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Conv:Dialect"] = "Gemini",
        }).Build();
        var services = new ServiceCollection();
        services.AddConversationClient(configuration.GetSection("Conv"));
        await using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IConversationClient>(),
            Throws.InvalidOperationException.With.Message.Contains("Conv:Dialect").And.Message.Contains("OpenAI or Dify"));
    }

    [Test]
    public async Task AddConversationClient_InvalidOptions_FailOnFirstResolutionNamingTheSettings()
    {
        var services = new ServiceCollection();
        services.AddConversationClient("broken", o => o.Dialect = ConversationApiDialect.Dify);
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<IConversationClient>("broken"));

        Assert.That(ex!.Message, Does.Contain("BaseAddress is required").And.Contain("No credential"));
        Assert.That(ex.OptionsName, Is.EqualTo("broken"));
    }

    [Test]
    public async Task AddConversationClient_ReturnedBuilder_AcceptsTheUsersOwnHandlers()
    {
        var seen = 0;
        var handler = new ScriptedHandler().Then(HttpStatusCode.NoContent);
        var services = new ServiceCollection();
        services.AddConversationClient(Dify)
            .AddHttpMessageHandler(() => new CountingHandler(() => seen++))
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IConversationClient>().DeleteAsync("c1", "u1");

        Assert.That(seen, Is.EqualTo(1));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AddConversationClient_TimeProviderFromContainer_IsUsedForRetries()
    {
        var clock = new TestClock();
        var handler = new ScriptedHandler(clock)
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "9"))
            .Then(HttpStatusCode.NoContent);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddConversationClient(OpenAI).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var result = await clock.RunAsync(provider.GetRequiredService<IConversationClient>().DeleteAsync("c1"));

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(handler.Requests[1].At - handler.Requests[0].At, Is.EqualTo(TimeSpan.FromSeconds(9)));
    }

    [Test]
    public async Task AddConversationClient_TimeProviderFromContainer_TimesTheCall()
    {
        // The facade's own clock (call durations, a batch's pace) is the container's too, not only the retries'.
        var clock = new TestClock();
        var logs = new Observability.ObservabilityLogCapture();
        var handler = new ScriptedHandler(clock)
            .Then(HttpStatusCode.TooManyRequests, null, r => r.Headers.Add("Retry-After", "9"))
            .Then(HttpStatusCode.NoContent);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging(b => b.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        services.AddConversationClient(OpenAI).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        await clock.RunAsync(provider.GetRequiredService<IConversationClient>().DeleteAsync("c1"));

        var finished = logs.For("ConversationClient").Single(e => e.EventId.Name == "DeleteFinished");
        Assert.That(double.Parse(finished["DurationMs"]!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(9000));
    }

    [Test]
    public async Task AddConversationClient_TimeProviderFromContainer_IsTheClientsClockForRetryAfterDates()
    {
        // The result's RetryAfter from an HTTP date is counted from the container's clock, not the system's.
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddMinutes(2)));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddConversationClient(o =>
        {
            OpenAI(o);
            o.Retry.MaxRetries = 0;
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IConversationClient>().DeleteAsync("c1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(2)));
    }

    [TestCase(null)]
    [TestCase("foundry")]
    public void AddConversationClient_AnotherServiceUnderTheClientsKey_IsNotADuplicate(string? name)
    {
        // Only an earlier conversation client of the same name is refused, not the application's own keyed service
        // that happens to use the same key.
        var services = new ServiceCollection();
        services.AddKeyedSingleton(name is null ? "ConversationClient" : $"ConversationClient:{name}", "the application's own");

        Assert.DoesNotThrow(() =>
        {
            if (name is null)
            {
                services.AddConversationClient(OpenAI);
            }
            else
            {
                services.AddConversationClient(name, OpenAI);
            }
        });
    }

    [Test]
    public void AddConversationClient_PrimaryHandler_DoesNotFollowRedirects()
    {
        var services = new ServiceCollection();
        services.AddConversationClient(OpenAI);
        using var provider = services.BuildServiceProvider();

        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("ConversationClient");
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        Assert.That(handler, Is.InstanceOf<SocketsHttpHandler>());
        Assert.That(((SocketsHttpHandler)handler!).AllowAutoRedirect, Is.False);
        Assert.That(ConversationClientFactory.SharedHandler.AllowAutoRedirect, Is.False);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AddConversationClient_UsersOwnPrimaryHandlerConfiguredAfterwards_StillDoesNotFollowRedirects(bool wrapped)
    {
        var elsewhereRequests = new ConcurrentQueue<Dictionary<string, string>>();
        await using var elsewhere = await LoopbackHost.StartAsync(context =>
        {
            elsewhereRequests.Enqueue(Headers(context.Request));
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync("""{"id":"conv_1","object":"conversation.deleted","deleted":true}"""u8.ToArray()).AsTask();
        });
        var serviceRequests = new ConcurrentQueue<Dictionary<string, string>>();
        await using var service = await LoopbackHost.StartAsync(context =>
        {
            serviceRequests.Enqueue(Headers(context.Request));
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(elsewhere.BaseAddress, "v1/conversations/conv_1").AbsoluteUri;
            return Task.CompletedTask;
        });
        var services = new ServiceCollection();
        services.AddConversationClient(o =>
            {
                OpenAI(o);
                o.BaseAddress = new Uri(service.BaseAddress, "v1/");
                o.ApiKeyHeaderName = "api-key";
                o.Retry.MaxRetries = 0;
            })
            // As the docs invite: the user's own handler, with its defaults (AllowAutoRedirect = true).
            .ConfigurePrimaryHttpMessageHandler(() => wrapped
                ? new CountingHandler(() => { }) { InnerHandler = new SocketsHttpHandler() }
                : new SocketsHttpHandler());
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IConversationClient>().DeleteAsync("conv_1", "user-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
            Assert.That(result.StatusCode, Is.EqualTo(307));
            Assert.That(serviceRequests.Single()["api-key"], Is.EqualTo(TestClients.ApiKey));
            Assert.That(elsewhereRequests, Is.Empty, "the other host got no request, so neither the key nor the user");
        }
    }

    [Test]
    public async Task AddConversationClient_UsersOwnHttpClientHandlerConfiguredAfterwards_DoesNotFollowRedirects()
    {
        var services = new ServiceCollection();
        services.AddConversationClient("foundry", OpenAI).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler());
        await using var provider = services.BuildServiceProvider();

        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("ConversationClient:foundry");
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        Assert.That(handler, Is.InstanceOf<HttpClientHandler>());
        Assert.That(((HttpClientHandler)handler!).AllowAutoRedirect, Is.False);
    }

    [TestCase(null)]
    [TestCase("foundry")]
    public async Task AddConversationClient_SameClientTwice_IsRefusedNamingTheClient(string? name)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable);
        var services = new ServiceCollection();
        var first = name is null ? services.AddConversationClient(OpenAI) : services.AddConversationClient(name, OpenAI);
        first.ConfigurePrimaryHttpMessageHandler(() => handler);

        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            if (name is null)
            {
                services.AddConversationClient(OpenAI);
            }
            else
            {
                services.AddConversationClient(name, OpenAI);
            }
        });
        Assert.That(ex!.Message, Does.Contain(name ?? "default"));

        // The first registration stands, with one resilience handler: the server sees exactly the attempts reported.
        await using var provider = services.BuildServiceProvider();
        var client = name is null ? provider.GetRequiredService<IConversationClient>() : provider.GetRequiredKeyedService<IConversationClient>(name);
        var result = await client.DeleteAsync("conv_1");

        Assert.That(result.Attempts, Is.EqualTo(4));
        Assert.That(handler.Requests, Has.Count.EqualTo(result.Attempts));
    }

    [Test]
    public void AddConversationClient_TwoNames_AreNotDuplicates()
    {
        var services = new ServiceCollection();
        services.AddConversationClient(OpenAI);
        services.AddConversationClient("foundry", OpenAI);

        Assert.DoesNotThrow(() => services.AddConversationClient("dify", Dify));
    }

    [Test]
    public async Task DeleteAsync_PrimaryHandlerThatFollowsARedirectItself_IsFailedUnexpectedResponse()
    {
        using var following = new RedirectFollowingHandler();
        var client = ConversationClientFactory.Create(TestClients.Options(ConversationApiDialect.OpenAI), following, TimeProvider.System);

        var result = await client.DeleteAsync("conv_1", "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.Error?.Code, Is.EqualTo(ConversationApiError.UnexpectedResponseCode));
        Assert.That(result.Attempts, Is.EqualTo(1), "not retried");
        Assert.That(following.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task DeleteAsync_Redirect_IsAFailureNotFollowed()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Found, null, r => r.Headers.Location = new Uri("https://elsewhere.example/"));
        var client = TestClients.Create(ConversationApiDialect.OpenAI, handler);

        var result = await client.DeleteAsync("conv_1", "user-1");

        Assert.That(result.Outcome, Is.EqualTo(DeleteConversationOutcome.Failed));
        Assert.That(result.StatusCode, Is.EqualTo(302));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void AddConversationClient_NullOrEmptyArguments_Throw()
    {
        var services = new ServiceCollection();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => services.AddConversationClient((Action<ConversationClientOptions>)null!), Throws.ArgumentNullException);
            Assert.That(() => services.AddConversationClient((IConfiguration)null!), Throws.ArgumentNullException);
            Assert.That(() => services.AddConversationClient(" ", OpenAI), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
            Assert.That(() => ((IServiceCollection)null!).AddConversationClient(OpenAI), Throws.ArgumentNullException);
        }
    }

    [Test]
    public void AddConversationClient_EachNullArgument_IsNamed()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().Build();
        IServiceCollection none = null!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => none.AddConversationClient(OpenAI), ThrowsNull("services"));
            Assert.That(() => services.AddConversationClient((Action<ConversationClientOptions>)null!), ThrowsNull("configure"));

            Assert.That(() => none.AddConversationClient("a", OpenAI), ThrowsNull("services"));
            Assert.That(() => services.AddConversationClient((string)null!, OpenAI), ThrowsNull("name"));
            Assert.That(() => services.AddConversationClient("", OpenAI), ThrowsNotNull("name"));
            Assert.That(() => services.AddConversationClient("a", (Action<ConversationClientOptions>)null!), ThrowsNull("configure"));

            Assert.That(() => none.AddConversationClient(configuration), ThrowsNull("services"));
            Assert.That(() => services.AddConversationClient((IConfiguration)null!), ThrowsNull("configuration"));

            Assert.That(() => none.AddConversationClient("b", configuration), ThrowsNull("services"));
            Assert.That(() => services.AddConversationClient((string)null!, configuration), ThrowsNull("name"));
            Assert.That(() => services.AddConversationClient(" ", configuration), ThrowsNotNull("name"));
            Assert.That(() => services.AddConversationClient("b", (IConfiguration)null!), ThrowsNull("configuration"));
        }

        Assert.That(services, Is.Empty, "nothing registered by a call that threw");
    }

    private static NUnit.Framework.Constraints.EqualStringConstraint ThrowsNull(string parameter) =>
        Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter);

    /// <summary>An <see cref="ArgumentException"/> itself, not its <see cref="ArgumentNullException"/> subclass.</summary>
    private static NUnit.Framework.Constraints.EqualStringConstraint ThrowsNotNull(string parameter) =>
        Throws.Exception.TypeOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter);

    /// <summary>A primary handler that follows redirects on its own, as a handler the SDK cannot configure might.</summary>
    private sealed class RedirectFollowingHandler : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            request.RequestUri = new Uri("https://elsewhere.example/conversations/conv_1");
            return Task.FromResult(Responses.Make(HttpStatusCode.OK, Responses.OpenAIDeleted));
        }
    }

    private sealed class CountingHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A copy of the headers (Kestrel reuses its own once the request is answered).</summary>
    private static Dictionary<string, string> Headers(HttpRequest request) =>
        request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
