using System.Text.Json;
using ConversationClient.Testing;
using ConversationClient.Testing.Services;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Emulator.Internal;

/// <summary>
/// The emulator's own endpoints, with no API key and not counted: <c>GET /__emulator/info</c>,
/// <c>GET /__emulator/counters</c>, <c>GET|POST|DELETE /__emulator/faults</c>, <c>GET|POST|DELETE /__emulator/rate-limit</c>,
/// <c>POST /__emulator/seed</c>, <c>GET /__emulator/orphaned-items</c>,
/// <c>POST /__emulator/reset</c>.
/// </summary>
internal sealed class AdminHandler(ServiceState state, ConversationEmulatorOptions options)
{
    public const string Prefix = "/__emulator";

    public async Task HandleAsync(HttpContext context, string rest)
    {
        var method = context.Request.Method;
        switch (rest.TrimEnd('/'))
        {
            case "" or "/info" when HttpMethods.IsGet(method):
                await HttpAnswers.Json(context, 200, Info(), EmulatorJsonContext.Default.AdminInfoBody).ConfigureAwait(false);
                return;
            case "/counters" when HttpMethods.IsGet(method):
                await HttpAnswers.Json(context, 200, state.Counters.Snapshot(), EmulatorJsonContext.Default.ServiceCounters).ConfigureAwait(false);
                return;
            case "/faults" when HttpMethods.IsGet(method):
                await HttpAnswers.Json(context, 200, ToBody(state.Faults.Options), EmulatorJsonContext.Default.AdminFaultsBody).ConfigureAwait(false);
                return;
            case "/faults" when HttpMethods.IsDelete(method):
                state.Faults.Configure(new ServiceFaultOptions());
                await HttpAnswers.Json(context, 200, ToBody(state.Faults.Options), EmulatorJsonContext.Default.AdminFaultsBody).ConfigureAwait(false);
                return;
            case "/faults" when HttpMethods.IsPost(method) || HttpMethods.IsPut(method):
                await SetFaultsAsync(context).ConfigureAwait(false);
                return;
            case "/rate-limit" when HttpMethods.IsGet(method):
                await HttpAnswers.Json(context, 200, ToBody(state.RateLimit.Options), EmulatorJsonContext.Default.AdminRateLimitBody).ConfigureAwait(false);
                return;
            case "/rate-limit" when HttpMethods.IsDelete(method):
                state.RateLimit.Configure(new ServiceRateLimitOptions());
                await HttpAnswers.Json(context, 200, ToBody(state.RateLimit.Options), EmulatorJsonContext.Default.AdminRateLimitBody).ConfigureAwait(false);
                return;
            case "/rate-limit" when HttpMethods.IsPost(method) || HttpMethods.IsPut(method):
                await SetRateLimitAsync(context).ConfigureAwait(false);
                return;
            case "/seed" when HttpMethods.IsPost(method):
                await SeedAsync(context).ConfigureAwait(false);
                return;
            case "/orphaned-items" when HttpMethods.IsGet(method):
                await HttpAnswers.Json(context, 200, OrphanedItems(context), EmulatorJsonContext.Default.AdminOrphanedItemsBody).ConfigureAwait(false);
                return;
            case "/reset" when HttpMethods.IsPost(method):
                state.Reset();
                context.Response.StatusCode = 204;
                return;
            default:
                await BadRequest(context, 404, $"No emulator endpoint {method} {Prefix}{rest}.").ConfigureAwait(false);
                return;
        }
    }

    private async Task SetFaultsAsync(HttpContext context)
    {
        var body = await ReadAsync(context, EmulatorJsonContext.Default.AdminFaultsBody).ConfigureAwait(false);
        if (body is null)
        {
            await BadRequest(context, 400, "Send a JSON object such as {\"fail_first\":1,\"status_code\":503}.").ConfigureAwait(false);
            return;
        }

        var faults = new ServiceFaultOptions
        {
            FailFirst = body.FailFirst ?? 0,
            FailureRate = body.FailureRate ?? 0,
            TooManyRequestsRate = body.TooManyRequestsRate ?? 0,
            StatusCode = body.StatusCode ?? 503,
            RetryAfter = body.RetryAfterMs is { } wait ? TimeSpan.FromMilliseconds(wait) : null,
            Latency = TimeSpan.FromMilliseconds(body.LatencyMs ?? 0),
            Method = string.IsNullOrEmpty(body.Method) ? null : body.Method,
            Seed = body.Seed,
        };
        try
        {
            state.Faults.Configure(faults);
        }
        catch (ArgumentException ex)
        {
            await BadRequest(context, 400, ex.Message).ConfigureAwait(false);
            return;
        }

        await HttpAnswers.Json(context, 200, ToBody(state.Faults.Options), EmulatorJsonContext.Default.AdminFaultsBody).ConfigureAwait(false);
    }

    private async Task SetRateLimitAsync(HttpContext context)
    {
        var body = await ReadAsync(context, EmulatorJsonContext.Default.AdminRateLimitBody).ConfigureAwait(false);
        var form = RateLimitWaitHeader.Seconds;
        if (body is null || (body.WaitHeader is not null && !WaitHeaderNames.TryParse(body.WaitHeader, out form)))
        {
            await BadRequest(context, 400,
                "Send a JSON object such as {\"deletes_per_second\":250,\"burst\":250,\"reads_per_second\":100,\"read_burst\":100,\"wait_header\":\"seconds|ms|date|none\"}.")
                .ConfigureAwait(false);
            return;
        }

        try
        {
            state.RateLimit.Configure(new ServiceRateLimitOptions
            {
                DeletesPerSecond = body.DeletesPerSecond ?? 0, Burst = body.Burst, ReadsPerSecond = body.ReadsPerSecond ?? 0, ReadBurst = body.ReadBurst, WaitHeader = form,
            });
        }
        catch (ArgumentException ex)
        {
            await BadRequest(context, 400, ex.Message).ConfigureAwait(false);
            return;
        }

        await HttpAnswers.Json(context, 200, ToBody(state.RateLimit.Options), EmulatorJsonContext.Default.AdminRateLimitBody).ConfigureAwait(false);
    }

    private async Task SeedAsync(HttpContext context)
    {
        var body = await ReadAsync(context, EmulatorJsonContext.Default.AdminSeedRequest).ConfigureAwait(false);
        var count = body?.Count ?? 1;
        var items = body?.Items ?? 0;
        var responses = body?.Responses ?? 0;
        var dialect = body?.Dialect?.ToUpperInvariant();
        if (body is null || dialect is not ("OPENAI" or "DIFY") || count is < 1 or > 1_000_000 || items is < 0 or > 1_000 || (long)count * items > 1_000_000
            || responses is < 0 or > 1_000 || (long)count * responses > 1_000_000 || (dialect == "DIFY" && responses > 0))
        {
            await BadRequest(context, 400,
                "Send {\"dialect\":\"openai\"|\"dify\",\"count\":1..1000000,\"user\":\"...\",\"items\":0..1000,\"responses\":0..1000}; " +
                "count x items and count x responses at most 1000000 each; stored responses are OpenAI-dialect only; " +
                "Dify needs a user, OpenAI takes it as the isolation key.")
                .ConfigureAwait(false);
            return;
        }

        if (dialect == "DIFY" && string.IsNullOrEmpty(body.User))
        {
            await BadRequest(context, 400, "Seeding Dify conversations needs a \"user\".").ConfigureAwait(false);
            return;
        }

        var ids = dialect == "DIFY"
            ? state.SeedDify(count, body.User!, body.Name, items)
            : state.SeedOpenAI(count, string.IsNullOrEmpty(body.User) ? null : body.User,
                body.Name is null ? null : new Dictionary<string, string> { ["name"] = body.Name }, items, responses);
        await HttpAnswers.Json(context, 200, new AdminSeedResponse(dialect.ToLowerInvariant(), body.User, ids),
            EmulatorJsonContext.Default.AdminSeedResponse).ConfigureAwait(false);
    }

    /// <summary>
    /// The items and stored responses left by deleted OpenAI-dialect conversations: of the isolation key in <c>?user=</c>
    /// (empty for requests without the header), or of every key when <c>user</c> is absent.
    /// </summary>
    private AdminOrphanedItemsBody OrphanedItems(HttpContext context)
    {
        var query = context.Request.Query;
        if (!query.TryGetValue("user", out var user))
        {
            return new AdminOrphanedItemsBody(null, AllUsers: true, state.OpenAI.CountOrphanedItems(null, allScopes: true),
                state.OpenAI.CountOrphanedResponses(null, allScopes: true));
        }

        var scope = string.IsNullOrEmpty(user) ? null : user.ToString();
        return new AdminOrphanedItemsBody(scope, AllUsers: false, state.OpenAI.CountOrphanedItems(scope), state.OpenAI.CountOrphanedResponses(scope));
    }

    private AdminInfoBody Info()
    {
        return new AdminInfoBody("/v1", "/openai/v1", "/v1", options.OpenAIApiKey, options.DifyApiKey, options.UserIsolationHeaderName,
            ToBody(state.Faults.Options), ToBody(state.RateLimit.Options));
    }

    private static AdminRateLimitBody ToBody(ServiceRateLimitOptions rateLimit) =>
        new(rateLimit.DeletesPerSecond, rateLimit.Burst, WaitHeaderNames.Name(rateLimit.WaitHeader), rateLimit.ReadsPerSecond, rateLimit.ReadBurst);

    private static AdminFaultsBody ToBody(ServiceFaultOptions faults) => new(
        faults.FailFirst,
        faults.FailureRate,
        faults.TooManyRequestsRate,
        faults.StatusCode,
        faults.RetryAfter is { } wait ? (int)wait.TotalMilliseconds : null,
        (int)faults.Latency.TotalMilliseconds,
        faults.Method,
        faults.Seed);

    private static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task BadRequest(HttpContext context, int status, string message) =>
        HttpAnswers.OpenAIError(context, status, message, "invalid_request_error", null);
}
