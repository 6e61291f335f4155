using System.Text;
using System.Text.Json;
using ConversationClient;
using Microsoft.Extensions.DependencyInjection;

// A stand-alone app that uses the ConversationClient *package* against a running emulator:
//   PackageConsumer <emulator root url>     e.g. http://127.0.0.1:5080/
// It seeds through the emulator's admin endpoints, deletes with the SDK (factory and DI), and exits 0 when every
// result is what it should be. Published with PublishAot=true it also shows the SDK is trim- and AOT-safe.
if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var root))
{
    Console.Error.WriteLine("Usage: PackageConsumer <emulator root url>");
    return 2;
}

using var admin = new HttpClient { BaseAddress = root };
var failures = 0;

void Check(string what, bool ok)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    failures += ok ? 0 : 1;
}

// OpenAI dialect through the factory, with one injected 503 on the first delete.
var openAIId = await SeedAsync("openai", null);
(await PostAsync("__emulator/faults", """{"fail_first":1,"status_code":503,"method":"DELETE"}""")).Dispose();
var openAI = ConversationClientFactory.Create(new ConversationClientOptions
{
    Dialect = ConversationApiDialect.OpenAI,
    BaseAddress = new Uri(root, "v1"),
    ApiKey = "sk-emulator-openai",
    Retry = { BaseDelay = TimeSpan.FromMilliseconds(50) },
});
var deleted = await openAI.DeleteAsync(openAIId);
Console.WriteLine(deleted);
Check("OpenAI delete is Deleted after 2 attempts", deleted is { Outcome: DeleteConversationOutcome.Deleted, Attempts: 2 });
var again = await openAI.DeleteAsync(openAIId);
Console.WriteLine(again);
Check("OpenAI delete again is NotFound", again.Outcome == DeleteConversationOutcome.NotFound && again.Error?.Code == "not_found");
try
{
    again.EnsureSuccess();
    Check("EnsureSuccess throws on NotFound", false);
}
catch (ConversationApiException)
{
    Check("EnsureSuccess throws on NotFound", true);
}

(await admin.DeleteAsync(new Uri("__emulator/faults", UriKind.Relative))).Dispose();

// Dify dialect through dependency injection, as a keyed client.
var difyId = await SeedAsync("dify", "consumer-user");
var services = new ServiceCollection();
services.AddConversationClient("dify", options =>
{
    options.Dialect = ConversationApiDialect.Dify;
    options.BaseAddress = new Uri(root, "v1");
    options.ApiKey = "app-emulator-dify";
});
await using var provider = services.BuildServiceProvider();
var dify = provider.GetRequiredKeyedService<IConversationClient>("dify");
var difyResult = await dify.DeleteAsync(difyId, "consumer-user");
Console.WriteLine(difyResult);
Check("Dify delete is Deleted (204)", difyResult is { Outcome: DeleteConversationOutcome.Deleted, StatusCode: 204 });
var wrongUser = await dify.DeleteAsync(await SeedAsync("dify", "someone-else"), "consumer-user");
Check("Dify delete of another user's conversation is NotFound", wrongUser.Outcome == DeleteConversationOutcome.NotFound);

Console.WriteLine(failures == 0 ? "PackageConsumer: all checks passed." : $"PackageConsumer: {failures} check(s) failed.");
return failures == 0 ? 0 : 1;

async Task<string> SeedAsync(string dialect, string? user)
{
    var body = user is null ? $$"""{"dialect":"{{dialect}}"}""" : $$"""{"dialect":"{{dialect}}","user":"{{user}}"}""";
    using var response = await PostAsync("__emulator/seed", body);
    using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
    return document.RootElement.GetProperty("ids")[0].GetString()!;
}

async Task<HttpResponseMessage> PostAsync(string path, string json)
{
    using var content = new StringContent(json, Encoding.UTF8, "application/json");
    var response = await admin.PostAsync(new Uri(path, UriKind.Relative), content);
    response.EnsureSuccessStatusCode();
    return response;
}
