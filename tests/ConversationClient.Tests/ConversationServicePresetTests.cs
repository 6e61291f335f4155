namespace ConversationClient.Tests;

public sealed class ConversationServicePresetTests
{
    [TestCase("https://my-resource.openai.azure.com", "https://my-resource.openai.azure.com/openai/v1")]
    [TestCase("https://my-resource.openai.azure.com/", "https://my-resource.openai.azure.com/openai/v1")]
    [TestCase("https://my-resource.openai.azure.com/openai/v1", "https://my-resource.openai.azure.com/openai/v1")]
    [TestCase("https://my-resource.openai.azure.com/openai/v1/", "https://my-resource.openai.azure.com/openai/v1/")]
    [TestCase("http://127.0.0.1:5080/proxy", "http://127.0.0.1:5080/proxy/openai/v1")]
    public void ToBaseAddress_AzureAIFoundry_AddsTheApiPathToAResourceEndpoint(string endpoint, string expected) =>
        Assert.That(ConversationServicePreset.AzureAIFoundry.ToBaseAddress(new Uri(endpoint)).AbsoluteUri, Is.EqualTo(expected));

    [TestCase("openai", "https://proxy.example.com/v1")]
    [TestCase("dify", "https://dify.example.com/v1")]
    public void ToBaseAddress_OpenAIAndDify_KeepTheAddress(string name, string address) =>
        Assert.That(ConversationServicePreset.Find(name)!.ToBaseAddress(new Uri(address)).AbsoluteUri, Is.EqualTo(address));

    [Test]
    public void CreateOptions_AzureAIFoundry_PutsTheKeyInTheApiKeyHeaderOnTheOpenAIDialect()
    {
        var options = ConversationServicePreset.AzureAIFoundry.CreateOptions("key-1", new Uri("https://my-resource.openai.azure.com"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Dialect, Is.EqualTo(ConversationApiDialect.OpenAI));
            Assert.That(options.BaseAddress?.AbsoluteUri, Is.EqualTo("https://my-resource.openai.azure.com/openai/v1"));
            Assert.That(options.ApiKey, Is.EqualTo("key-1"));
            Assert.That(options.ApiKeyHeaderName, Is.EqualTo("api-key"));
        }
    }

    [Test]
    public void CreateOptions_NoAddress_UsesThePublicOne()
    {
        var openAI = ConversationServicePreset.OpenAI.CreateOptions("sk-1");
        var dify = ConversationServicePreset.Dify.CreateOptions("app-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(openAI.BaseAddress?.AbsoluteUri, Is.EqualTo("https://api.openai.com/v1"));
            Assert.That(openAI.ApiKeyHeaderName, Is.Null, "a bearer key");
            Assert.That(dify.Dialect, Is.EqualTo(ConversationApiDialect.Dify));
            Assert.That(dify.BaseAddress?.AbsoluteUri, Is.EqualTo("https://api.dify.ai/v1"));
        }
    }

    [Test]
    public void CreateOptions_AzureAIFoundryWithoutAddress_ThrowsNamingTheAddress() =>
        Assert.That(() => ConversationServicePreset.AzureAIFoundry.CreateOptions("key-1"),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("baseAddress").And.Message.Contains("AZURE_OPENAI_ENDPOINT"));

    [TestCase(null)]
    [TestCase(" ")]
    public void CreateOptions_NoKey_ThrowsNamingTheKey(string? key) =>
        Assert.That(() => ConversationServicePreset.OpenAI.CreateOptions(key!),
            Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("apiKey"));

    [Test]
    public void Find_IgnoresCase_AndAnUnknownNameIsNull()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConversationServicePreset.Find("Azure"), Is.SameAs(ConversationServicePreset.AzureAIFoundry));
            Assert.That(ConversationServicePreset.Find("gemini"), Is.Null);
            Assert.That(ConversationServicePreset.All.Select(preset => preset.Name), Is.EqualTo(new[] { "openai", "azure", "dify" }));
            Assert.That(ConversationServicePreset.All.Select(preset => preset.ApiKeyVariable),
                Is.EqualTo(new[] { "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "DIFY_API_KEY" }));
        }
    }

    [Test]
    public void ToBaseAddress_NullOrRelativeAddress_ThrowsNamingTheAddress()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => ConversationServicePreset.AzureAIFoundry.ToBaseAddress(null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("address"));
            Assert.That(() => ConversationServicePreset.AzureAIFoundry.ToBaseAddress(new Uri("/openai/v1", UriKind.Relative)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("address"));
        }
    }
}
