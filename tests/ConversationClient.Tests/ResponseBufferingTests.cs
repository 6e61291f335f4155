using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using ConversationClient.Http;

namespace ConversationClient.Tests;

/// <summary>
/// How a response body is read into memory: the caps (64 KiB of an error, 1 MiB of a success) and their exact edges,
/// buffers that grow with what arrives rather than with what the header claims, no read past the cap, and the
/// buffered content itself.
/// </summary>
public sealed class ResponseBufferingTests
{
    private const int ErrorCap = ResponseBuffering.MaxErrorBodyBytes;
    private const int SuccessCap = ResponseBuffering.MaxSuccessBodyBytes;

    private static byte[] Body(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26)))];

    private static async Task<BufferedContent> BufferAsync(HttpStatusCode status, HttpContent content)
    {
        var response = new HttpResponseMessage(status) { Content = content };
        await ResponseBuffering.BufferAsync(response, ResponseBuffering.MaxSuccessBodyBytes, CancellationToken.None);
        return (BufferedContent)response.Content;
    }

    /// <summary>A body without a declared length, as a chunked answer arrives.</summary>
    private static StreamContent Undeclared(RecordingStream stream) => new StreamContent(stream);

    private static StreamContent Declared(RecordingStream stream, long length)
    {
        var content = new StreamContent(stream);
        content.Headers.ContentLength = length;
        return content;
    }

    [TestCase(ErrorCap - 1)]
    [TestCase(ErrorCap)]
    public async Task ErrorBody_UpToTheCap_IsKeptWhole(int length)
    {
        var body = Body(length);
        var buffered = await BufferAsync(HttpStatusCode.BadRequest, Undeclared(new RecordingStream(body)));

        Assert.That(buffered.Truncated, Is.False);
        Assert.That(buffered.Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task ErrorBody_OneByteOverTheCap_IsCutAtTheCap()
    {
        var body = Body(ErrorCap + 1);
        var buffered = await BufferAsync(HttpStatusCode.InternalServerError, Undeclared(new RecordingStream(body)));

        Assert.That(buffered.Truncated, Is.True);
        Assert.That(buffered.Body.ToArray(), Is.EqualTo(body[..ErrorCap]));
    }

    [TestCase(ErrorCap + 1)]
    [TestCase(100 * 1024)]
    [TestCase(SuccessCap)]
    public async Task SuccessBody_LongerThanTheErrorCapUpToItsOwn_IsKeptWhole(int length)
    {
        var body = Body(length);
        var buffered = await BufferAsync(HttpStatusCode.OK, Undeclared(new RecordingStream(body)));

        Assert.That(buffered.Truncated, Is.False);
        Assert.That(buffered.Body.Length, Is.EqualTo(length));
        Assert.That(buffered.Body.Span.SequenceEqual(body), Is.True);
    }

    [Test]
    public async Task SuccessBody_OneByteOverTheCap_IsCutAtTheCap()
    {
        var body = Body(SuccessCap + 1);
        var buffered = await BufferAsync(HttpStatusCode.OK, Declared(new RecordingStream(body), body.Length));

        Assert.That(buffered.Truncated, Is.True);
        Assert.That(buffered.Body.Length, Is.EqualTo(SuccessCap));
    }

    [TestCase(HttpStatusCode.OK)]
    [TestCase(HttpStatusCode.BadGateway)]
    public async Task BodyGoingOnPastTheCap_IsNotReadAnyFurther(HttpStatusCode status)
    {
        // A server that keeps sending: the stream fails the test on any read (even an empty one, which waits for data
        // on a network stream) once it has given one byte more than the cap.
        var cap = status == HttpStatusCode.OK ? SuccessCap : ErrorCap;
        var stream = new RecordingStream(Body(cap + 4096), failAfter: cap + 1);

        var buffered = await BufferAsync(status, Undeclared(stream));

        Assert.That(buffered.Truncated, Is.True);
        Assert.That(buffered.Body.Length, Is.EqualTo(cap));
    }

    [TestCase(4096)]
    [TestCase(32L * 1024 * 1024)]
    public async Task FirstBuffer_IsAtMost4KiB_WhateverTheHeaderClaims(long declared)
    {
        var stream = new RecordingStream(Body(4096));
        await BufferAsync(HttpStatusCode.OK, Declared(stream, declared));

        Assert.That(stream.Reads[0].Length, Is.LessThanOrEqualTo(4096));
    }

    [TestCase(100)]
    [TestCase(2048)]
    public async Task BodyOfTheDeclaredLength_IsReadIntoOneBuffer(int length)
    {
        // One byte more than declared is asked for, so that the end of the body shows without growing the buffer.
        var stream = new RecordingStream(Body(length));
        var buffered = await BufferAsync(HttpStatusCode.OK, Declared(stream, length));

        Assert.That(buffered.Body.Length, Is.EqualTo(length));
        Assert.That(stream.Reads.Select(r => r.Array).Distinct().Count(), Is.EqualTo(1), "no second buffer");
    }

    [Test]
    public async Task Buffer_GrowsByDoublingWithWhatArrives_NotToTheCapAtOnce()
    {
        var stream = new RecordingStream(Body(10_000));
        var buffered = await BufferAsync(HttpStatusCode.OK, Undeclared(stream));

        Assert.That(buffered.Body.Length, Is.EqualTo(10_000));
        Assert.That(stream.Reads.Max(r => r.Array!.Length), Is.LessThanOrEqualTo(16 * 1024));
    }

    [Test]
    public async Task Buffers_GoBackToTheSharedPool()
    {
        // Everything completes synchronously on this thread, whose slot of the shared pool then holds the buffers given back.
        var stream = new RecordingStream(Body(6000));
        await BufferAsync(HttpStatusCode.OK, Undeclared(stream));
        var used = stream.Reads.Select(r => r.Array!).Distinct().ToList();
        Assert.That(used.Select(a => a.Length), Is.EqualTo(new[] { 4096, 8192 }), "a first buffer and one grown from it");

        var first = ArrayPool<byte>.Shared.Rent(4096);
        var grown = ArrayPool<byte>.Shared.Rent(8192);
        ArrayPool<byte>.Shared.Return(first);
        ArrayPool<byte>.Shared.Return(grown);

        Assert.That(first, Is.SameAs(used[0]), "the first buffer was given back when it was outgrown");
        Assert.That(grown, Is.SameAs(used[1]), "the last buffer was given back at the end");
    }

    [Test]
    public async Task AlreadyBufferedContent_IsLeftAsItIs()
    {
        var content = new BufferedContent([1, 2, 3], truncated: true);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };

        await ResponseBuffering.BufferAsync(response, ResponseBuffering.MaxSuccessBodyBytes, CancellationToken.None);

        Assert.That(response.Content, Is.SameAs(content));
        Assert.That(content.Truncated, Is.True);
    }

    [Test]
    public async Task BufferedContent_ReadsAsAReadOnlyStreamOfTheBody()
    {
        using var asynchronous = await new BufferedContent([1, 2, 3], truncated: false).ReadAsStreamAsync();
        using var synchronous = new BufferedContent([1, 2, 3], truncated: false).ReadAsStream();

        foreach (var stream in new[] { asynchronous, synchronous })
        {
            Assert.That(stream.CanWrite, Is.False);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
    }

    /// <summary>A body stream that records the buffer of each read, and fails any read once <c>failAfter</c> bytes were given.</summary>
    private sealed class RecordingStream(byte[] body, int? failAfter = null) : Stream
    {
        private int _position;

        public List<(byte[]? Array, int Length)> Reads { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span, MemoryMarshal.TryGetArray<byte>(buffer, out var segment) ? segment.Array : null));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count), buffer);

        private int Read(Span<byte> buffer, byte[]? array)
        {
            if (_position >= failAfter)
            {
                throw new IOException($"Read on after {failAfter} bytes.");
            }

            Reads.Add((array, buffer.Length));
            var count = Math.Min(buffer.Length, body.Length - _position);
            body.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
