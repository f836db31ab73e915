using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KpuOrleans.Bench.Sender;

/// <summary>An answer as the sender keeps it: the status and the body's bytes (de-chunked), judged after the clock stops.</summary>
internal readonly record struct WireAnswer(int Status, byte[] Body);

/// <summary>
/// One keep-alive HTTP/1.1 connection that writes requests built beforehand and reads only what it must of the answer:
/// the status line, Content-Length or chunked framing, and <c>Connection: close</c>. No header collection, no
/// content objects: on a machine the sender shares with the system under test, its CPU is taken from the target.
/// Blocking calls on a thread of its own: an answer wakes that thread straight from the kernel, with no event loop and
/// no thread-pool hop between them, which measured cheaper per request than the async calls.
/// </summary>
internal sealed class WireConnection(EndPoint endpoint, TimeSpan answerTimeout) : IDisposable
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();
    private static readonly byte[] TransferEncoding = "transfer-encoding:"u8.ToArray();
    private static readonly byte[] ConnectionHeader = "connection:"u8.ToArray();

    /// <summary>A batch of 1,000 forms is answered in well under 1 MiB; anything near this is not an answer to read.</summary>
    private const int MaxAnswer = 16 * 1024 * 1024;

    private Socket? _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    public void Connect()
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)answerTimeout.TotalMilliseconds,
        };
        try
        {
            socket.Connect(endpoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _start = _end = 0;
    }

    public WireAnswer Exchange(byte[] request)
    {
        if (_socket is null) Connect();
        var socket = _socket!;
        for (var sent = 0; sent < request.Length;) sent += socket.Send(request, sent, request.Length - sent, SocketFlags.None);

        int headLength;
        while ((headLength = _buffer.AsSpan(_start, _end - _start).IndexOf(EndOfHead)) < 0) Receive();
        var (status, length, chunked, close) = ReadHead(_buffer.AsSpan(_start, headLength + 2));
        _start += headLength + EndOfHead.Length;

        byte[] body;
        if (chunked) body = ReadChunked();
        else
        {
            Ensure(length);
            body = _buffer.AsSpan(_start, length).ToArray();
            _start += length;
        }
        if (close) Reset();
        return new WireAnswer(status, body);
    }

    /// <summary>After a failure or <c>Connection: close</c>: the next exchange opens a new connection.</summary>
    public void Reset()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    public void Dispose() => Reset();

    private static (int Status, int Length, bool Chunked, bool Close) ReadHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 201 Created\r\n"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new IOException("not an HTTP/1.1 status line");
        int length = 0;
        bool chunked = false, close = false;
        var rest = head[(head.IndexOf((byte)'\n') + 1)..];
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = (end < 0 ? rest : rest[..end]).TrimEnd((byte)'\r');
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (StartsWith(line, ContentLength)) Utf8Parser.TryParse(line[ContentLength.Length..].Trim((byte)' '), out length, out _);
            else if (StartsWith(line, TransferEncoding)) chunked = Contains(line, "chunked"u8);
            else if (StartsWith(line, ConnectionHeader)) close = Contains(line, "close"u8);
        }
        return (status, length, chunked, close);
    }

    private byte[] ReadChunked()
    {
        var body = new ArrayBufferWriter<byte>(512);
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) Receive();
            var sizeText = _buffer.AsSpan(_start, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0) sizeText = sizeText[..semicolon];
            if (!Utf8Parser.TryParse(sizeText, out int size, out _, 'x') || size < 0) throw new IOException("bad chunk size");
            if (body.WrittenCount + size > MaxAnswer) throw new IOException($"an answer larger than {MaxAnswer / 1024 / 1024} MiB");
            _start += lineEnd + 2;
            Ensure(size + 2);
            if (size == 0)
            {
                // No trailers from Kestrel: the last chunk is "0\r\n\r\n".
                _start += 2;
                return body.WrittenSpan.ToArray();
            }
            body.Write(_buffer.AsSpan(_start, size));
            _start += size + 2;
        }
    }

    private void Ensure(int count)
    {
        while (_end - _start < count) Receive(count);
    }

    private void Receive(int wanted = 0)
    {
        var held = _end - _start;
        var room = Math.Max(4096, wanted - held);
        if (_start > 0 && _buffer.Length - _end < room)
        {
            _buffer.AsSpan(_start, held).CopyTo(_buffer);
            (_start, _end) = (0, held);
        }
        if (_buffer.Length - _end < room)
        {
            if (held + room > MaxAnswer) throw new IOException($"an answer larger than {MaxAnswer / 1024 / 1024} MiB");
            Array.Resize(ref _buffer, Math.Min(MaxAnswer, Math.Max(_buffer.Length * 2, held + room)));
        }
        var read = _socket!.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0) throw new IOException("the server closed the connection");
        _end += read;
    }

    private static bool StartsWith(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerName) =>
        line.Length >= lowerName.Length && Ascii.EqualsIgnoreCase(line[..lowerName.Length], lowerName);

    private static bool Contains(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerWord)
    {
        Span<byte> lower = stackalloc byte[Math.Min(line.Length, 256)];
        Ascii.ToLower(line[..lower.Length], lower, out _);
        return lower.IndexOf(lowerWord) >= 0;
    }
}
