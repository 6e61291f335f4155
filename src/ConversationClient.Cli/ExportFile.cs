using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// The export file (<c>export</c>, <c>erase --export-first</c>): JSON Lines, written and read back here only.
/// <list type="bullet">
/// <item>a header: <c>{"type":"header","format":1,"service","host","user_sha256","time"}</c>, the user as the hex SHA-256
/// of its id, never the id;</item>
/// <item>one line per conversation: <c>{"type":"conversation","id","created_at","updated_at","name","metadata",
/// "deleted_during_export","items":[...]}</c>, each item's JSON as the service sent it, oldest first;</item>
/// <item>a closing line: <c>{"type":"end","conversations","items","deleted_during_export","complete":true}</c>, or
/// <c>"complete":false</c> with the <c>"error"</c> code when the export broke off.</item>
/// </list>
/// The file is written as <c>FILE.partial</c>, a line at a time and flushed, and renamed to <c>FILE</c> only after its
/// complete closing line: a file named FILE is a complete export, and a half-written one keeps the <c>.partial</c> name.
/// </summary>
internal static class ExportFile
{
    /// <summary>The format number in the header; a reader refuses any other.</summary>
    public const int Format = 1;

    /// <summary>The suffix of the file while it is written, and of an export that did not complete.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>What a complete export file holds: the ids of the conversations exported (those deleted during the export are not), and the counts.</summary>
    public sealed record Contents(IdSet Ids, long Conversations, long Items, long DeletedDuringExport);

    /// <summary>The hex SHA-256 of the user id: the header names the user by it, so the file never holds the id itself.</summary>
    public static string UserDigest(string user) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user)));

    /// <summary>
    /// Reads an export file back and checks that it is complete and the user's: a header of this format whose digest is
    /// <paramref name="user"/>'s, conversation lines, and a last line that says complete with the counts of the lines
    /// before it. Throws <see cref="InvalidDataException"/> saying what is wrong, <see cref="IOException"/> when it cannot
    /// be read. One line in memory at a time, and a fingerprint per conversation id.
    /// </summary>
    public static Contents Read(string path, string user)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var ids = new IdSet();
        long conversations = 0, items = 0, deleted = 0, number = 0;
        var headerSeen = false;
        var ended = false;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (ended)
            {
                throw new InvalidDataException($"Line {number} comes after the closing line.");
            }

            using var document = Parse(line, number);
            var root = document.RootElement;
            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            if (!headerSeen)
            {
                if (type != "header")
                {
                    throw new InvalidDataException("The first line is not the export's header.");
                }

                if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != Format)
                {
                    throw new InvalidDataException($"The header's format is not {Format}.");
                }

                if (!root.TryGetProperty("user_sha256", out var digest) || digest.ValueKind != JsonValueKind.String
                    || !string.Equals(digest.GetString(), UserDigest(user), StringComparison.Ordinal))
                {
                    throw new InvalidDataException("The export is not of this user (its user_sha256 differs).");
                }

                headerSeen = true;
                continue;
            }

            switch (type)
            {
                case "conversation":
                    if (!root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } conversationId
                        || !root.TryGetProperty("items", out var itemArray) || itemArray.ValueKind != JsonValueKind.Array)
                    {
                        throw new InvalidDataException($"Line {number} is a conversation without an id or items.");
                    }

                    conversations++;
                    items += itemArray.GetArrayLength();
                    if (root.TryGetProperty("deleted_during_export", out var gone) && gone.ValueKind == JsonValueKind.True)
                    {
                        // Nothing of it was exported: it is not one to erase.
                        deleted++;
                    }
                    else
                    {
                        ids.Add(conversationId);
                    }

                    break;
                case "end":
                    if (!root.TryGetProperty("complete", out var complete) || complete.ValueKind != JsonValueKind.True)
                    {
                        var error = root.TryGetProperty("error", out var code) && code.ValueKind == JsonValueKind.String ? $" ({code.GetString()})" : "";
                        throw new InvalidDataException($"The closing line says the export did not complete{error}.");
                    }

                    if (Count(root, "conversations") != conversations || Count(root, "items") != items)
                    {
                        throw new InvalidDataException(
                            $"The closing line's counts differ from the file's {conversations} conversation lines with {items} items.");
                    }

                    ended = true;
                    break;
                default:
                    throw new InvalidDataException($"Line {number} is neither a conversation nor the closing line.");
            }
        }

        return !headerSeen ? throw new InvalidDataException("The file is empty.")
            : !ended ? throw new InvalidDataException("The file ends before its closing line: the export was cut short.")
            : new Contents(ids, conversations, items, deleted);
    }

    private static JsonDocument Parse(string line, long number)
    {
        try
        {
            var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new InvalidDataException($"Line {number} is not a JSON object.");
    }

    private static long? Count(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) ? count : null;

    /// <summary>
    /// Writes an export to <c>FILE.partial</c>, a flushed line at a time, and renames it to FILE on <see cref="Complete"/>;
    /// <see cref="Fail"/> ends it with a closing line that says it is not complete and leaves the <c>.partial</c> name.
    /// </summary>
    public sealed class Writer : IDisposable
    {
        private readonly string _path;
        private readonly JsonLineWriter _lines;

        private Writer(string path, FileStream file)
        {
            _path = path;
            _lines = new JsonLineWriter(file, 4096);
        }

        /// <summary>The file being written (FILE.partial).</summary>
        public string PartialPath => _path + PartialSuffix;

        public long Conversations { get; private set; }

        public long Items { get; private set; }

        public long DeletedDuringExport { get; private set; }

        /// <summary>Starts an export to <paramref name="path"/> (writing FILE.partial, creating missing folders, replacing an earlier .partial).</summary>
        public static Writer Create(string path)
        {
            try
            {
                if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
                {
                    Directory.CreateDirectory(folder);
                }

                // A user's personal data: readable by its owner only (on Unix; Windows files inherit the folder's ACL).
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = JsonLineWriter.OneWriter, BufferSize = 1 };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                return new Writer(path, new FileStream(path + PartialSuffix, options));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot write the export {path}{PartialSuffix}: {ex.Message}", ex);
            }
        }

        /// <summary>The header: service, host, the user's digest (never the id) and the time of the export.</summary>
        public void WriteHeader(string service, string host, string user, DateTimeOffset time)
        {
            _lines.Json.WriteStartObject();
            _lines.Json.WriteString("type", "header");
            _lines.Json.WriteNumber("format", Format);
            _lines.Json.WriteString("service", service);
            _lines.Json.WriteString("host", host);
            _lines.Json.WriteString("user_sha256", UserDigest(user));
            _lines.Json.WriteString("time", Receipt.Utc(time));
            _lines.Json.WriteEndObject();
            _lines.EndLine();
        }

        /// <summary>A conversation's line, with each item's JSON as the service sent it (on one line: see <see cref="OneLine"/>).</summary>
        public void Write(ConversationExport export)
        {
            var conversation = export.Conversation;
            _lines.Json.WriteStartObject();
            _lines.Json.WriteString("type", "conversation");
            _lines.Json.WriteString("id", conversation.Id);
            WriteTime("created_at", conversation.CreatedAt);
            WriteTime("updated_at", conversation.UpdatedAt);
            _lines.Json.WriteString("name", conversation.Name);
            _lines.Json.WriteStartObject("metadata");
            foreach (var (key, value) in conversation.Metadata)
            {
                _lines.Json.WriteString(key, value);
            }

            _lines.Json.WriteEndObject();
            _lines.Json.WriteBoolean("deleted_during_export", export.DeletedDuringExport);
            _lines.Json.WriteStartArray("items");
            foreach (var item in export.Items)
            {
                _lines.Json.WriteRawValue(OneLine(item.Json));
            }

            _lines.Json.WriteEndArray();
            _lines.Json.WriteEndObject();
            _lines.EndLine();
            Conversations++;
            Items += export.Items.Count;
            DeletedDuringExport += export.DeletedDuringExport ? 1 : 0;
        }

        /// <summary>Writes the complete closing line, forces the file to disk and renames FILE.partial to FILE (replacing an earlier FILE).</summary>
        public void Complete()
        {
            WriteEnd(null);

            // On the disk before the rename names it complete and the erasure starts: after a power loss, a FILE whose
            // lines the operating system had not yet written could be empty or cut short while its conversations are
            // erased. No unit test can show this (only a power loss can); it is here on purpose.
            _lines.FlushToDisk();
            _lines.Dispose();
            File.Move(PartialPath, _path, overwrite: true);
        }

        /// <summary>Writes a closing line that says the export is not complete, with <paramref name="error"/>; the file keeps its .partial name.</summary>
        public void Fail(string error)
        {
            WriteEnd(error);
            _lines.Dispose();
        }

        public void Dispose() => _lines.Dispose();

        /// <summary>
        /// An item's JSON on one line. Valid JSON cannot hold a raw line break inside a string, so any CR or LF in it is
        /// the server's indentation between tokens: removed, everything else kept byte for byte.
        /// </summary>
        internal static string OneLine(string json) =>
            json.AsSpan().IndexOfAny('\r', '\n') < 0 ? json : json.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);

        private void WriteEnd(string? error)
        {
            _lines.Json.WriteStartObject();
            _lines.Json.WriteString("type", "end");
            _lines.Json.WriteNumber("conversations", Conversations);
            _lines.Json.WriteNumber("items", Items);
            _lines.Json.WriteNumber("deleted_during_export", DeletedDuringExport);
            _lines.Json.WriteBoolean("complete", error is null);
            if (error is not null)
            {
                _lines.Json.WriteString("error", error);
            }

            _lines.Json.WriteEndObject();
            _lines.EndLine();
        }

        private void WriteTime(string name, DateTimeOffset? time)
        {
            if (time is { } value)
            {
                _lines.Json.WriteString(name, Receipt.Utc(value));
            }
            else
            {
                _lines.Json.WriteNull(name);
            }
        }
    }
}
