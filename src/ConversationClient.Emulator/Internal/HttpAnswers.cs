using System.Text.Json.Serialization.Metadata;
using ConversationClient.Testing.Services;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Emulator.Internal;

/// <summary>Writes answers of the shared rules, and the admin endpoints' own answers, to ASP.NET Core responses.</summary>
internal static class HttpAnswers
{
    public static async Task WriteAsync(HttpContext context, ServiceAnswer answer)
    {
        context.Response.StatusCode = answer.Status;
        foreach (var header in answer.Headers)
        {
            context.Response.Headers[header.Key] = header.Value;
        }

        if (answer.Body.Length > 0)
        {
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static Task Json<T>(HttpContext context, int status, T body, JsonTypeInfo<T> typeInfo) =>
        WriteAsync(context, ServiceAnswer.Json(status, body, typeInfo));

    public static Task OpenAIError(HttpContext context, int status, string message, string type, string? code, string? param = null) =>
        WriteAsync(context, Responses.OpenAIError(status, message, type, code, param));
}
