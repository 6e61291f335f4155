using System.Text.Json;
using System.Text.Unicode;
using ConversationClient.Http;

namespace ConversationClient.Dialects;

/// <summary>
/// What a 2xx delete body says, read once: the top-level members that tell, and whether it is in an error envelope.
/// <see cref="Judge"/> makes the checks every dialect shares and asks the dialect (<see cref="ConversationDialect.ConfirmsDeletion"/>) for the rest.
/// </summary>
internal struct DeleteAnswer
{
    /// <summary>The most members a 2xx delete body may have: OpenAI's has three, Dify's null-field form seven.</summary>
    private const int MaxMembers = 32;

    /// <summary><c>deleted</c>: true, false, or null when absent or null.</summary>
    public bool? Deleted;

    /// <summary><c>result</c> when it is a string.</summary>
    public string? Result;

    /// <summary><c>id</c> when it is a string that is not the conversation's.</summary>
    public string? OtherId;

    /// <summary>Whether the body is in an error envelope of either dialect (<c>error</c>, or <c>code</c>/<c>message</c> at the top).</summary>
    public bool IsErrorEnvelope;

    /// <summary>How many members the object has.</summary>
    public int Members;

    /// <summary>Whether every member's value is null.</summary>
    public bool AllNull;

    private enum Member
    {
        Other,
        Deleted,
        Result,
        Id,
        Error,
        DifyError,
    }

    /// <summary>
    /// Null when a 2xx delete body confirms the deletion of <paramref name="conversationId"/>; else the error to report.
    /// No body (a 204, or a 200 with none) confirms: the status is the service's word. A body must be one JSON object
    /// in valid UTF-8 with each member once; one in either dialect's error envelope (gateways answer errors with 200)
    /// or one that names another conversation confirms nothing; beyond that, the dialect decides.
    /// </summary>
    public static ConversationApiError? Judge(ReadOnlyMemory<byte> body, string conversationId, ConversationDialect dialect) =>
        JudgeAnswer(body, conversationId, "conversation", dialect, Marker.DialectDecides, "deletion");

    /// <summary>
    /// Null when a 2xx answer to an item delete confirms it; else the error to report. The service answers the
    /// conversation object (<c>{"id","object":"conversation",...}</c>): the checks every delete gets, and an <c>id</c>,
    /// when there is one, must be the conversation's. No dialect rule applies: the body is not a delete marker.
    /// </summary>
    public static ConversationApiError? JudgeItemDelete(ReadOnlyMemory<byte> body, string conversationId) =>
        JudgeAnswer(body, conversationId, "conversation", null, Marker.Refused, "item's deletion");

    /// <summary>
    /// Null when a 2xx answer to a stored response's delete confirms it; else the error to report. OpenAI's answer is
    /// <c>{"id","object":"response","deleted":true}</c>: the checks every delete gets, an <c>id</c>, when there is one,
    /// must be the response's, and a <c>deleted</c>, when there is one, must be true (an empty 2xx confirms, as for any delete).
    /// </summary>
    public static ConversationApiError? JudgeResponseDelete(ReadOnlyMemory<byte> body, string responseId) =>
        JudgeAnswer(body, responseId, "response", null, Marker.Optional, "response's deletion");

    /// <summary>What a <c>deleted</c> member means in a 2xx delete answer.</summary>
    private enum Marker
    {
        /// <summary>The dialect's rule (<see cref="ConversationDialect.ConfirmsDeletion"/>).</summary>
        DialectDecides,

        /// <summary>Any marker confirms nothing: the answer should be another object (an item delete's conversation).</summary>
        Refused,

        /// <summary>Absent or true confirms; false does not.</summary>
        Optional,
    }

    private static ConversationApiError? JudgeAnswer(ReadOnlyMemory<byte> body, string id, string noun, ConversationDialect? dialect, Marker marker, string what)
    {
        if (body.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return null;
        }

        if (!TryRead(body.Span, id, out var read))
        {
            // An HTML page from a misrouted proxy, a gateway's "OK", bytes that are not UTF-8, a member given twice
            // ({"deleted":false,"deleted":true}): not an answer of the service that can be trusted.
            return Unconfirmed("The service answered a success status whose body is not one well-formed JSON object of this API " +
                $"(valid UTF-8, each member once), so the {what} is not confirmed.", body);
        }

        if (read.IsErrorEnvelope)
        {
            return ErrorBodyParser.TryParseEnvelope(body, out var error)
                ? error
                : Unconfirmed($"The service answered a success status with an error body, so the {what} is not confirmed.", body);
        }

        if (read.OtherId is { } otherId)
        {
            return Unconfirmed($"The service's answer names {noun} '{otherId}', not '{id}', so the {what} is not confirmed.", body);
        }

        if (read.Deleted == false)
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = "The service answered 'deleted': false.",
            };
        }

        if (read.Result is { } result && !string.Equals(result, "success", StringComparison.OrdinalIgnoreCase))
        {
            return new ConversationApiError
            {
                Code = ConversationApiError.NotDeletedCode,
                Message = $"The service answered 'result': '{result}'.",
            };
        }

        // An item delete answers the conversation itself: a deletion marker says the conversation went, not the item
        // (a request the address resolved to the conversation, say), so it confirms nothing.
        if (marker == Marker.Refused && read.Deleted is not null)
        {
            return Unconfirmed($"The service answered the {what} with a deletion marker ('deleted'), not the conversation, so the {what} is not confirmed.", body);
        }

        return marker != Marker.DialectDecides || dialect!.ConfirmsDeletion(read) ? null : Unconfirmed(dialect.NotConfirmedMessage, body);
    }

    private static ConversationApiError Unconfirmed(string message, ReadOnlyMemory<byte> body) => new()
    {
        Code = ConversationApiError.UnexpectedResponseCode,
        Message = message,
        RawBody = ErrorBodyParser.Truncate(body),
    };

    /// <summary>
    /// Reads the top-level members of a 2xx delete body that tell what it says. False when the body is not valid
    /// UTF-8, not one JSON object, holds a member twice (escaped or not), or a known member has the wrong type.
    /// A forward-only reader: a body without escaped member names or another conversation's id allocates nothing.
    /// </summary>
    private static bool TryRead(ReadOnlySpan<byte> body, string conversationId, out DeleteAnswer read)
    {
        read = new DeleteAnswer { AllNull = true };

        // The reader checks the UTF-8 of only the values it is asked for; a skipped string can hold anything.
        if (!Utf8.IsValid(body))
        {
            return false;
        }

        Span<Range> names = stackalloc Range[MaxMembers];
        var plainNames = 0;
        List<string>? escapedNames = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (read.Members == MaxMembers || SeenBefore(ref reader, body, names[..plainNames], escapedNames))
                {
                    return false;
                }

                if (reader.ValueIsEscaped)
                {
                    (escapedNames ??= []).Add(reader.GetString()!);
                }
                else
                {
                    var start = (int)reader.TokenStartIndex + 1;
                    names[plainNames++] = start..(start + reader.ValueSpan.Length);
                }

                read.Members++;
                var member = reader.ValueTextEquals("deleted"u8) ? Member.Deleted
                    : reader.ValueTextEquals("result"u8) ? Member.Result
                    : reader.ValueTextEquals("id"u8) ? Member.Id
                    : reader.ValueTextEquals("error"u8) ? Member.Error
                    : reader.ValueTextEquals("code"u8) || reader.ValueTextEquals("message"u8) ? Member.DifyError
                    : Member.Other;
                reader.Read();
                var token = reader.TokenType;
                read.AllNull &= token == JsonTokenType.Null;
                switch (member)
                {
                    case Member.Deleted when token is JsonTokenType.True or JsonTokenType.False:
                        read.Deleted = token == JsonTokenType.True;
                        break;
                    case Member.Result when token == JsonTokenType.String:
                        read.Result = reader.GetString();
                        break;
                    case Member.Id when token == JsonTokenType.String:
                        read.OtherId = reader.ValueTextEquals(conversationId) ? null : reader.GetString();
                        break;
                    case Member.Deleted or Member.Result or Member.Id when token != JsonTokenType.Null:
                        return false;
                    case Member.Error when token is JsonTokenType.StartObject or JsonTokenType.String:
                    case Member.DifyError:
                        // The shapes ErrorBodyParser reads as an envelope.
                        read.IsErrorEnvelope = true;
                        break;
                }

                reader.Skip();
            }

            // Only whitespace may follow the object; anything else makes the reader throw.
            return !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 once unescaped.
            return false;
        }
    }

    /// <summary>Whether the member name at <paramref name="reader"/> (compared unescaped) came earlier in the object.</summary>
    private static bool SeenBefore(ref Utf8JsonReader reader, scoped ReadOnlySpan<byte> body, scoped ReadOnlySpan<Range> names, List<string>? escapedNames)
    {
        foreach (var name in names)
        {
            if (reader.ValueTextEquals(body[name]))
            {
                return true;
            }
        }

        for (var i = 0; i < (escapedNames?.Count ?? 0); i++)
        {
            if (reader.ValueTextEquals(escapedNames![i]))
            {
                return true;
            }
        }

        return false;
    }
}
