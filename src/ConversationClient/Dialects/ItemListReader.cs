using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace ConversationClient.Dialects;

/// <summary>
/// Reads a page of items, <c>{"data":[...],"has_more":...}</c> (members in any order, others skipped; <c>data</c> required, null for none):
/// each element of <c>data</c> typed by the dialect's wire model and handed over with its exact bytes, so an item can
/// keep what its typed model does not know (its escapes, nested content, members of newer item types). The same
/// reader serves every page of this shape: a conversation's items, Dify's messages, Foundry's stored responses.
/// </summary>
internal static class ItemListReader
{
    /// <summary>Makes one entry of a page from its element, typed, and the element's exact UTF-8 text.</summary>
    public delegate TEntry ElementMap<in TWire, out TEntry>(TWire element, ReadOnlySpan<byte> json);

    /// <summary>The items of <paramref name="body"/>, each keeping its exact JSON text; throws <see cref="JsonException"/> for a body that is not such a page.</summary>
    /// <param name="body">The page, valid UTF-8.</param>
    /// <param name="element">The dialect's wire model of one element.</param>
    /// <param name="map">Makes the item from the element typed and its exact JSON text.</param>
    /// <param name="hasMore"><c>has_more</c>; false when absent.</param>
    public static List<ConversationItem> Read<TWire>(ReadOnlySpan<byte> body, JsonTypeInfo<TWire> element, Func<TWire, string, ConversationItem> map,
        out bool hasMore) =>
        Read(body, element, (typed, json) => map(typed, Encoding.UTF8.GetString(json)), out hasMore);

    /// <summary>The entries of <paramref name="body"/>; throws <see cref="JsonException"/> for a body that is not such a page.</summary>
    /// <param name="body">The page, valid UTF-8.</param>
    /// <param name="element">The wire model of one element.</param>
    /// <param name="map">Makes the entry from the element typed and its exact bytes (a reader that needs only its id leaves them).</param>
    /// <param name="hasMore"><c>has_more</c>; false when absent.</param>
    public static List<TEntry> Read<TWire, TEntry>(ReadOnlySpan<byte> body, JsonTypeInfo<TWire> element, ElementMap<TWire, TEntry> map,
        out bool hasMore)
    {
        // The reader checks the UTF-8 of only the values it is asked for; the text kept must be the service's own.
        if (!Utf8.IsValid(body))
        {
            throw new JsonException("The page is not valid UTF-8.");
        }

        hasMore = false;
        var items = new List<TEntry>();
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The page is not a JSON object.");
        }

        var dataSeen = false;
        var hasMoreSeen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                // A second "data" would add its items again (an export with items twice): not a page of this API.
                if (dataSeen)
                {
                    throw new JsonException("The page gives data twice.");
                }

                dataSeen = true;
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadElements(ref reader, body, element, map, items);
                    continue;
                }

                if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new JsonException("The page's data is not an array.");
                }
            }
            else if (reader.ValueTextEquals("has_more"u8))
            {
                // A second has_more would overrule the first (more, then none): which one is meant cannot be told.
                if (hasMoreSeen)
                {
                    throw new JsonException("The page gives has_more twice.");
                }

                hasMoreSeen = true;
                reader.Read();
                hasMore = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False or JsonTokenType.Null => false,
                    _ => throw new JsonException("The page's has_more is not a boolean."),
                };
            }

            // Past the member's value; from another member's name, Skip moves to its value and past all of it.
            reader.Skip();
        }

        // The object must end, and only whitespace may follow it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("The page is not one JSON object.");
        }

        // No data at all (an error a gateway answers with 200, {}): not a page, and never one without items.
        if (!dataSeen)
        {
            throw new JsonException("The page has no data.");
        }

        return items;
    }

    private static void ReadElements<TWire, TEntry>(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, JsonTypeInfo<TWire> element,
        ElementMap<TWire, TEntry> map, List<TEntry> items)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("An item is not a JSON object.");
            }

            var start = (int)reader.TokenStartIndex;
            var typed = JsonSerializer.Deserialize(ref reader, element) ?? throw new JsonException("An item is null.");

            // The reader now stands on the element's closing brace: its text is what lies between.
            items.Add(map(typed, body[start..(int)reader.BytesConsumed]));
        }
    }
}
