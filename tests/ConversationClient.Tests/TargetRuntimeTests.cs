using System.Reflection;
using System.Runtime.Versioning;

namespace ConversationClient.Tests;

/// <summary>
/// The tests run once per runtime the library ships for (net8.0 and net10.0): each build runs on its own runtime, not
/// rolled forward to a newer one, or the .NET 8 build of the library would pass untested.
/// </summary>
public sealed class TargetRuntimeTests
{
    [Test]
    public void Tests_RunOnTheRuntimeTheyWereBuiltFor()
    {
        var target = typeof(TargetRuntimeTests).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        var built = new FrameworkName(target).Version;

        Assert.That(Environment.Version.Major, Is.EqualTo(built.Major), $"built for {target}, running on .NET {Environment.Version}");
    }
}
