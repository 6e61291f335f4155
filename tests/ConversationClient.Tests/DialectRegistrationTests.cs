using ConversationClient.Dialects;

namespace ConversationClient.Tests;

/// <summary>Every dialect of the public enum has its folder registered, under its own telemetry name.</summary>
public sealed class DialectRegistrationTests
{
    [Test]
    public void For_EveryDefinedDialect_ReturnsARegisteredDialectWithItsOwnName()
    {
        var dialects = Enum.GetValues<ConversationApiDialect>().Select(ConversationDialect.For).ToArray();

        Assert.That(dialects.Select(d => d.Name), Is.Unique.And.None.Empty);
    }

    [Test]
    public void For_AnUndefinedValue_ThrowsArgumentOutOfRange()
    {
        Assert.That(() => ConversationDialect.For((ConversationApiDialect)42), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
