using ConversationClient.Testing.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConversationClient.Emulator.Internal;

/// <summary>
/// Answers every request on ASP.NET Core: <c>/__emulator/*</c> goes to <see cref="AdminHandler"/>, everything else to
/// the shared <see cref="ServiceRules"/> (the same rules as ConversationClient.Testing's WireMock.Net stubs).
/// </summary>
internal sealed class ApiHandler(ServiceRules rules, ConversationEmulatorOptions options)
{
    private readonly AdminHandler _admin = new(rules.State, options);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith(AdminHandler.Prefix, StringComparison.Ordinal))
        {
            context.Response.Headers["x-request-id"] = "req_" + Guid.NewGuid().ToString("N");
            await _admin.HandleAsync(context, path[AdminHandler.Prefix.Length..]).ConfigureAwait(false);
            return;
        }

        // The injected latency ends when the client goes away or the emulator stops: a stopping server would otherwise
        // wait for the request (up to its 30-second shutdown timeout) before DisposeAsync returns.
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        ServiceAnswer answer;
        try
        {
            answer = await rules.AnswerAsync(await ToServiceRequestAsync(context).ConfigureAwait(false), ended.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            context.Abort(); // no answer: the client went away, or the emulator is stopping
            return;
        }

        await HttpAnswers.WriteAsync(context, answer).ConfigureAwait(false);
    }

    private static async Task<ServiceRequest> ToServiceRequestAsync(HttpContext context)
    {
        var request = context.Request;

        // The raw target keeps the escapes of an id sent as one segment (ASP.NET Core's Path decodes all but %2F).
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var path = string.IsNullOrEmpty(rawTarget) || !rawTarget.StartsWith('/')
            ? request.Path.Value ?? string.Empty
            : rawTarget.Split('?', 2)[0];
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        return new ServiceRequest(
            request.Method,
            path,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            body);
    }
}
