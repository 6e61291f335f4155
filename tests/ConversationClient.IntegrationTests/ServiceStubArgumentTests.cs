using ConversationClient.Testing;
using NUnit.Framework;

namespace ConversationClient.IntegrationTests;

/// <summary>ConversationServiceStub's methods given wrong input: an ArgumentException that names the parameter, at the call.</summary>
public sealed class ServiceStubArgumentTests
{
    private static IEnumerable<TestCaseData> ConversationIdCalls()
    {
        foreach (var id in new[] { null, string.Empty })
        {
            yield return new TestCaseData(id, (Action<ConversationServiceStub, string>)((stub, i) => stub.CountItems(i))).SetArgDisplayNames($"CountItems({id ?? "null"})");
            yield return new TestCaseData(id, (Action<ConversationServiceStub, string>)((stub, i) => stub.CountResponses(i))).SetArgDisplayNames($"CountResponses({id ?? "null"})");
            yield return new TestCaseData(id, (Action<ConversationServiceStub, string>)((stub, i) => stub.ConversationExists(i))).SetArgDisplayNames($"ConversationExists({id ?? "null"})");
            yield return new TestCaseData(id, (Action<ConversationServiceStub, string>)((stub, i) => stub.AddItems(i, 1))).SetArgDisplayNames($"AddItems({id ?? "null"})");
            yield return new TestCaseData(id, (Action<ConversationServiceStub, string>)((stub, i) => stub.AddResponses(i, 1))).SetArgDisplayNames($"AddResponses({id ?? "null"})");
        }
    }

    [TestCaseSource(nameof(ConversationIdCalls))]
    public void ConversationId_NullOrEmpty_ThrowsNamingIt(string? id, Action<ConversationServiceStub, string> call)
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.AzureAIFoundry);

        Assert.That(() => call(stub, id!), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("conversationId"));
    }

    [Test]
    public void CountsAndWaits_OutOfRange_ThrowNamingTheParameter()
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.OpenAI);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => stub.AddConversations(-1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => stub.AddConversationsWithItems(1, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("itemsEach"));
            Assert.That(() => stub.FailNext(-1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => stub.FailNext(1, 200), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("statusCode"));
            Assert.That(() => stub.FailNext(1, 600), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("statusCode"));
            Assert.That(() => stub.ThrottleNext(TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("retryAfter"));
            Assert.That(() => stub.ResetNext(-1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => stub.DelayNext(TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("delay"));
            Assert.That(() => stub.DelayNext(TimeSpan.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("delay"),
                "longer than a timer can wait: refused here, not with a 500 at the request");
            Assert.That(() => ConversationServiceStub.Start((ConversationServiceKind)99), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("kind"));
            Assert.That(() => ConversationServiceStub.Start(ConversationServiceKind.OpenAI, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("timeProvider"));
        }
    }

    [TestCase(null)]
    [TestCase("")]
    public void Dify_AConversationWithoutAUser_ThrowsNamingIt(string? user)
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);

        Assert.That(() => stub.AddConversation(user), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("user"));
    }

    [Test]
    public void Dify_AddResponses_IsRefused_AndCountsAreZero()
    {
        using var stub = ConversationServiceStub.Start(ConversationServiceKind.Dify);
        var id = stub.AddConversation("user-1");

        Assert.That(() => stub.AddResponses(id, 1, "user-1"), Throws.InvalidOperationException);
        Assert.That(stub.CountResponses(id, "user-1"), Is.Zero);
        Assert.That(stub.CountOrphanedResponses("user-1"), Is.Zero);
    }
}
