using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace ConversationClient.Emulator.Internal;

/// <summary>Writes answers and the error envelopes of each dialect.</summary>
internal static class Responses
{
    public static Task Json<T>(HttpContext context, int status, T body, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, typeInfo, "application/json", context.RequestAborted);
    }

    public static Task OpenAIError(HttpContext context, int status, string message, string type, string? code, string? param = null) =>
        Json(context, status, new OpenAIErrorBody(new OpenAIError(message, type, param, code)), EmulatorJsonContext.Default.OpenAIErrorBody);

    public static Task DifyError(HttpContext context, int status, string code, string message) =>
        Json(context, status, new DifyErrorBody(status, code, message), EmulatorJsonContext.Default.DifyErrorBody);

    /// <summary>Werkzeug's own 404 page, which Dify answers for a path its routes do not match.</summary>
    public static Task WerkzeugNotFound(HttpContext context)
    {
        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(WerkzeugNotFoundPage, context.RequestAborted);
    }

    private const string WerkzeugNotFoundPage =
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n" +
        "<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

    public static Task Error(HttpContext context, bool dify, int status, string code, string message, string openAIType) =>
        dify ? DifyError(context, status, code, message) : OpenAIError(context, status, message, openAIType, code);

    public static Task Fault(HttpContext context, bool dify, int status, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            var seconds = (long)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return status switch
        {
            429 => Error(context, dify, 429, dify ? "too_many_requests" : "rate_limit_exceeded",
                "Rate limit reached (injected by the emulator). Please try again later.", "requests"),
            503 => Error(context, dify, 503, "service_unavailable",
                "The server is overloaded or not ready yet (injected by the emulator).", "server_error"),
            _ => Error(context, dify, status, dify ? "internal_server_error" : "server_error",
                $"Injected fault {status.ToString(CultureInfo.InvariantCulture)} (by the emulator).", "server_error"),
        };
    }
}
