using ConversationClient.Emulator.Internal;

namespace ConversationClient.Emulator.Tests;

public sealed class CommandLineTests
{
    [Test]
    public void Parse_ReadsEveryFlag()
    {
        var command = EmulatorCommandLine.Parse([
            "--urls", "http://127.0.0.1:0", "--openai-key", "sk-a", "--dify-key=app-b", "--isolation-header", "x-ms-user-identity",
            "--openai-public-listing", "--fail-first", "2", "--failure-rate", "0.25", "--too-many-requests-rate", "0.125", "--fault-status", "429", "--retry-after-ms", "1500",
            "--latency-ms", "20", "--fault-method", "DELETE", "--fault-seed", "7", "--seed-openai", "3", "--seed-dify", "4", "--seed-items", "6",
            "--seed-user", "demo", "--address-file", "/tmp/address",
        ]);

        var options = command.Options;
        Assert.Multiple(() =>
        {
            Assert.That(options.ListenUrl, Is.EqualTo("http://127.0.0.1:0"));
            Assert.That(options.OpenAIApiKey, Is.EqualTo("sk-a"));
            Assert.That(options.DifyApiKey, Is.EqualTo("app-b"));
            Assert.That(options.UserIsolationHeaderName, Is.EqualTo("x-ms-user-identity"));
            Assert.That(options.OpenAIPublicListing, Is.True);
            Assert.That(options.Faults.FailFirst, Is.EqualTo(2));
            Assert.That(options.Faults.FailureRate, Is.EqualTo(0.25));
            Assert.That(options.Faults.TooManyRequestsRate, Is.EqualTo(0.125));
            Assert.That(options.Faults.StatusCode, Is.EqualTo(429));
            Assert.That(options.Faults.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
            Assert.That(options.Faults.Latency, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
            Assert.That(options.Faults.Method, Is.EqualTo("DELETE"));
            Assert.That(options.Faults.Seed, Is.EqualTo(7));
            Assert.That(command.SeedOpenAI, Is.EqualTo(3));
            Assert.That(command.SeedDify, Is.EqualTo(4));
            Assert.That(command.SeedItems, Is.EqualTo(6));
            Assert.That(command.SeedUser, Is.EqualTo("demo"));
            Assert.That(command.AddressFile, Is.EqualTo("/tmp/address"));
            Assert.That(command.ShowHelp, Is.False);
            Assert.That(options.ConsoleLogging, Is.True, "the standalone emulator logs to the console");
        });
    }

    [TestCase("--urls=")]
    [TestCase("--urls=;")]
    [TestCase("--urls= ; ")]
    public void Parse_UrlsWithoutAnAddress_IsAFormatError(string arg)
    {
        Assert.That(() => EmulatorCommandLine.Parse([arg]), Throws.TypeOf<FormatException>().With.Message.Contains("--urls"));
    }

    [Test]
    public void Parse_NoArguments_ListensOnPort5080WithTheDefaultKeys()
    {
        var command = EmulatorCommandLine.Parse([]);

        Assert.That(command.Options.ListenUrl, Is.EqualTo("http://127.0.0.1:5080"));
        Assert.That(command.Options.OpenAIApiKey, Is.EqualTo("sk-emulator-openai"));
        Assert.That(command.Options.DifyApiKey, Is.EqualTo("app-emulator-dify"));
        Assert.That(command.Options.Faults.IsActive, Is.False);
    }

    [TestCase("--bogus")]
    [TestCase("--fail-first")]
    [TestCase("--fail-first", "many")]
    [TestCase("--failure-rate", "2")]
    [TestCase("--fault-status", "200")]
    [TestCase("--fail-first=-1")]
    [TestCase("--wait-header", "minutes")]
    public void Parse_BadArguments_Throw(params string[] args) =>
        Assert.That(() => EmulatorCommandLine.Parse(args), Throws.InstanceOf<FormatException>());
}
