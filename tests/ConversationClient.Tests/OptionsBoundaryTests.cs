using ConversationClient.Internal;
using ConversationClient.Tests.TestSupport;

namespace ConversationClient.Tests;

/// <summary>
/// The exact edges of each option rule: the last value accepted and the first refused, and that each problem gives
/// exactly its own message (no rule fires for another's value).
/// </summary>
public sealed class OptionsBoundaryTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan TenMilliseconds = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    private static List<string> Errors(Action<ConversationClientOptions> configure, ConversationApiDialect dialect = ConversationApiDialect.OpenAI) =>
        ConversationClientOptionsValidator.GetErrors(TestClients.Options(dialect, configure));

    private static void AssertValid(Action<ConversationClientOptions> configure, ConversationApiDialect dialect = ConversationApiDialect.OpenAI) =>
        Assert.That(Errors(configure, dialect), Is.Empty);

    private static void AssertOnlyError(string start, Action<ConversationClientOptions> configure, ConversationApiDialect dialect = ConversationApiDialect.OpenAI) =>
        Assert.That(Errors(configure, dialect), Has.Count.EqualTo(1).And.One.StartsWith(start));

    [TestCase(ConversationApiDialect.OpenAI)]
    [TestCase(ConversationApiDialect.Dify)]
    public void TheTestOptions_AreValid(ConversationApiDialect dialect) => AssertValid(_ => { }, dialect);

    [Test]
    public void Dialect_OutsideTheEnum_IsTheOnlyError() =>
        AssertOnlyError("Dialect must be OpenAI or Dify.", o => o.Dialect = (ConversationApiDialect)2);

    [TestCase("http://localhost:8080/v1")]
    [TestCase("https://api.openai.com/v1")]
    public void BaseAddress_HttpOrHttps_IsValid(string address) => AssertValid(o => o.BaseAddress = new Uri(address));

    [TestCase("https://x.example/v1#part", "BaseAddress cannot have a query or a fragment.")]
    [TestCase("https://x.example/v1?api-version=1", "BaseAddress cannot have a query or a fragment.")]
    [TestCase("ws://x.example/v1", "BaseAddress must be an absolute http or https address.")]
    public void BaseAddress_Wrong_IsTheOnlyError(string address, string error) =>
        AssertOnlyError(error, o => o.BaseAddress = new Uri(address));

    [Test]
    public void BaseAddress_Relative_IsTheOnlyError() =>
        AssertOnlyError("BaseAddress must be an absolute", o => o.BaseAddress = new Uri("v1", UriKind.Relative));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void ApiKey_BlankWithATokenProvider_IsValid(string? key) =>
        AssertValid(o =>
        {
            o.ApiKey = key;
            o.AccessTokenProvider = _ => ValueTask.FromResult("t");
        });

    [TestCase("")]
    [TestCase(" \t")]
    public void ApiKey_BlankWithoutATokenProvider_IsNoCredentialAlone(string key) =>
        AssertOnlyError("No credential", o => o.ApiKey = key);

    [Test]
    public void ApiKey_AndATokenProvider_IsTheOnlyError() =>
        AssertOnlyError("Set either ApiKey or AccessTokenProvider, not both.", o => o.AccessTokenProvider = _ => ValueTask.FromResult("t"));

    // The printable ASCII range 0x20-0x7E is what a header value may carry; the first character outside either end is refused.
    [TestCase("sk a")]
    [TestCase("sk~")]
    [TestCase(" sk")]
    public void ApiKey_PrintableAscii_IsValid(string key) => AssertValid(o => o.ApiKey = key);

    [TestCase("sk\u001F")]
    [TestCase("sk\u007F")]
    [TestCase("sk\u00FC")]
    public void ApiKey_OutsidePrintableAscii_IsTheOnlyError(string key) =>
        AssertOnlyError("ApiKey contains characters that cannot be sent", o => o.ApiKey = key);

    [TestCase(null)]
    [TestCase("  ")]
    [TestCase("api-key")]
    [TestCase(" api-key ")]
    public void ApiKeyHeaderName_BlankOrValid_IsValid(string? name) => AssertValid(o => o.ApiKeyHeaderName = name);

    [TestCase("api:key")]
    [TestCase("Content-Type")] // a content header, not one a request can carry
    public void ApiKeyHeaderName_Invalid_IsTheOnlyError(string name) =>
        AssertOnlyError("ApiKeyHeaderName is not a valid HTTP header name.", o => o.ApiKeyHeaderName = name);

    [Test]
    public void ApiKeyHeaderName_BlankWithATokenProvider_IsValid() =>
        AssertValid(o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult("t");
            o.ApiKeyHeaderName = " ";
        });

    [Test]
    public void ApiKeyHeaderName_WithATokenProvider_IsTheOnlyError() =>
        AssertOnlyError("ApiKeyHeaderName applies to ApiKey only", o =>
        {
            o.ApiKey = null;
            o.AccessTokenProvider = _ => ValueTask.FromResult("t");
            o.ApiKeyHeaderName = "api-key";
        });

    [Test]
    public void UserIsolationHeaderName_WithSpacesAround_IsValid() => AssertValid(o => o.UserIsolationHeaderName = " x-user ");

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("x user")]
    public void UserIsolationHeaderName_BlankOrInvalid_IsTheOnlyError(string name) =>
        AssertOnlyError("UserIsolationHeaderName must be a valid HTTP header name", o => o.UserIsolationHeaderName = name);

    [Test]
    public void OrganizationId_OnDify_IsTheOnlyError() =>
        AssertOnlyError("OrganizationId applies to the OpenAI dialect only.", o => o.OrganizationId = "org", ConversationApiDialect.Dify);

    [Test]
    public void ProjectId_OnDify_IsTheOnlyError() =>
        AssertOnlyError("ProjectId applies to the OpenAI dialect only.", o => o.ProjectId = "proj", ConversationApiDialect.Dify);

    [Test]
    public void OrganizationAndProject_OnOpenAI_AreValid() =>
        AssertValid(o =>
        {
            o.OrganizationId = "org-1";
            o.ProjectId = "proj_1";
        });

    [TestCase("")]
    [TestCase("org\n")]
    [TestCase("org\u00E9")]
    public void OrganizationId_NotAHeaderValue_IsTheOnlyError(string value) =>
        AssertOnlyError("OrganizationId contains characters", o => o.OrganizationId = value);

    [TestCase("")]
    [TestCase("proj\r")]
    [TestCase("proj\u00E9")]
    public void ProjectId_NotAHeaderValue_IsTheOnlyError(string value) =>
        AssertOnlyError("ProjectId contains characters", o => o.ProjectId = value);

    private static IEnumerable<TestCaseData> TimeoutsInRange()
    {
        yield return new TestCaseData(TenMilliseconds).SetArgDisplayNames("10 ms");
        yield return new TestCaseData(OneDay).SetArgDisplayNames("1 day");
    }

    private static IEnumerable<TestCaseData> TimeoutsOutOfRange()
    {
        yield return new TestCaseData(TenMilliseconds - Tick).SetArgDisplayNames("10 ms less a tick");
        yield return new TestCaseData(OneDay + Tick).SetArgDisplayNames("1 day and a tick");
    }

    [TestCaseSource(nameof(TimeoutsInRange))]
    public void AttemptAndTotalTimeout_AtTheEdges_AreValid(TimeSpan value) =>
        AssertValid(o =>
        {
            o.AttemptTimeout = value;
            o.TotalTimeout = value;
        });

    [TestCaseSource(nameof(TimeoutsOutOfRange))]
    public void AttemptTimeout_JustOutside_IsTheOnlyError(TimeSpan value) =>
        AssertOnlyError("AttemptTimeout must be from 10 milliseconds to 1 day.", o => o.AttemptTimeout = value);

    [TestCaseSource(nameof(TimeoutsOutOfRange))]
    public void TotalTimeout_JustOutside_IsTheOnlyError(TimeSpan value) =>
        AssertOnlyError("TotalTimeout must be from 10 milliseconds to 1 day.", o => o.TotalTimeout = value);

    [TestCase(0)]
    [TestCase(100)]
    public void MaxRetries_AtTheEdges_IsValid(int retries) => AssertValid(o => o.Retry.MaxRetries = retries);

    [TestCase(-1)]
    [TestCase(101)]
    public void MaxRetries_JustOutside_IsTheOnlyError(int retries) =>
        AssertOnlyError("Retry.MaxRetries must be from 0 to 100.", o => o.Retry.MaxRetries = retries);

    private static IEnumerable<TestCaseData> DelaysInRange()
    {
        yield return new TestCaseData(TimeSpan.Zero).SetArgDisplayNames("zero");
        yield return new TestCaseData(OneDay).SetArgDisplayNames("1 day");
    }

    private static IEnumerable<TestCaseData> DelaysOutOfRange()
    {
        yield return new TestCaseData(-Tick).SetArgDisplayNames("minus a tick");
        yield return new TestCaseData(OneDay + Tick).SetArgDisplayNames("1 day and a tick");
    }

    [TestCaseSource(nameof(DelaysInRange))]
    public void BaseAndMaxDelay_AtTheEdges_AreValid(TimeSpan value) =>
        AssertValid(o =>
        {
            o.Retry.BaseDelay = value;
            o.Retry.MaxDelay = value;
        });

    [TestCaseSource(nameof(DelaysOutOfRange))]
    public void BaseDelay_JustOutside_IsNamed(TimeSpan value) =>
        // Over a day, it is also longer than any valid MaxDelay: that second error is right too.
        Assert.That(Errors(o =>
        {
            o.Retry.BaseDelay = value;
            o.Retry.MaxDelay = OneDay;
        }), Has.One.StartsWith("Retry.BaseDelay must be from zero to 1 day.").And.None.StartsWith("Retry.MaxDelay must"));

    [TestCaseSource(nameof(DelaysOutOfRange))]
    public void MaxDelay_JustOutside_IsTheOnlyError_NotAlsoShorterThanBaseDelay(TimeSpan value) =>
        AssertOnlyError("Retry.MaxDelay must be from zero to 1 day.", o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            o.Retry.MaxDelay = value;
        });

    [Test]
    public void MaxDelay_EqualToBaseDelay_IsValid() =>
        AssertValid(o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(2);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        });

    [Test]
    public void MaxDelay_ATickShorterThanBaseDelay_IsTheOnlyError() =>
        AssertOnlyError("Retry.MaxDelay cannot be shorter than Retry.BaseDelay.", o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(2);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2) - Tick;
        });

    [Test]
    public void Validate_ValidOptions_Succeeds() =>
        Assert.That(new ConversationClientOptionsValidator().Validate("x", TestClients.Options(ConversationApiDialect.OpenAI)).Succeeded, Is.True);

    [TestCase(null, "Conversation client: ")]
    [TestCase("", "Conversation client: ")]
    [TestCase("tenant-a", "Conversation client 'tenant-a': ")]
    public void Validate_Failures_ArePrefixedWithTheClientName(string? name, string prefix)
    {
        var options = TestClients.Options(ConversationApiDialect.OpenAI, o =>
        {
            o.ApiKey = null;
            o.Retry.MaxRetries = -1;
        });

        var result = new ConversationClientOptionsValidator().Validate(name, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Is.EqualTo(new[]
        {
            prefix + "No credential: set ApiKey or AccessTokenProvider.",
            prefix + "Retry.MaxRetries must be from 0 to 100.",
        }));
    }
}
