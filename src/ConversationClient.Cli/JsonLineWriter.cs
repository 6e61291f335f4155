using System.Buffers;
using System.Text.Json;

namespace ConversationClient.Cli;

/// <summary>
/// A file of JSON lines (the receipt, the export file), a line at a time: written with <see cref="Json"/> into one
/// reused buffer, then <see cref="EndLine"/> adds the newline, writes the line to the file and flushes it, so a crash or
/// Ctrl+C loses no line already ended. No reflection.
/// </summary>
internal sealed class JsonLineWriter(FileStream file, int capacity) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(capacity);
    private Utf8JsonWriter? _json;

    /// <summary>
    /// The sharing for a file of JSON lines that one run writes at a time: two runs appending to one receipt overwrite
    /// each other's lines (on Unix <see cref="FileMode.Append"/> is no O_APPEND), and a second export to one file starts
    /// it again under the first's. On Unix .NET takes an advisory lock for the open, an exclusive one for
    /// <see cref="FileShare.None"/>, which refuses a second run's open and holds up no reader that takes no lock (tail,
    /// less, jq, gzip); on Windows <see cref="FileShare.Read"/> already refuses a second writer, and
    /// <see cref="FileShare.None"/> would refuse readers too.
    /// </summary>
    public static FileShare OneWriter => OperatingSystem.IsWindows() ? FileShare.Read : FileShare.None;

    /// <summary>The writer of the current line.</summary>
    public Utf8JsonWriter Json => _json ??= new Utf8JsonWriter(_buffer);

    /// <summary>Ends the current line and puts it into the file.</summary>
    public void EndLine()
    {
        Json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        file.Write(_buffer.WrittenSpan);
        file.Flush();
        _buffer.ResetWrittenCount();
        Json.Reset();
    }

    /// <summary>
    /// Forces what the file holds to the disk (<see cref="FileStream.Flush(bool)"/>): <see cref="EndLine"/> hands each line
    /// to the operating system, which may keep it in memory a while; a power loss could then lose it.
    /// </summary>
    public void FlushToDisk() => file.Flush(flushToDisk: true);

    /// <summary>Writes <paramref name="name"/> with <paramref name="value"/>, or null.</summary>
    public void NumberOrNull(string name, int? value)
    {
        if (value is { } number)
        {
            Json.WriteNumber(name, number);
        }
        else
        {
            Json.WriteNull(name);
        }
    }

    public void Dispose()
    {
        _json?.Dispose();
        file.Dispose();
    }
}
