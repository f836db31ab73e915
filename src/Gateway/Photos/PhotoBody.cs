using System.Buffers;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// An upload's bytes in one buffer rented from the shared pool, never larger than the limit plus one byte: a chunked
/// body is counted as it arrives and refused the moment it passes the limit. Dispose it to give the buffer back.
/// </summary>
public sealed class PhotoBody : IDisposable
{
    /// <summary>The first buffer when the request does not say its length; it doubles as the body arrives.</summary>
    private const int UnknownLengthStart = 64 * 1024;

    private byte[]? _buffer;

    private PhotoBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Bytes => (_buffer ?? throw new ObjectDisposedException(nameof(PhotoBody))).AsMemory(0, Length);

    /// <returns>The body, or null when it is longer than <paramref name="limit"/> (the rest is left unread).</returns>
    public static async Task<PhotoBody?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // One more byte than the limit, so that a body over it is seen without growing the buffer.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? UnknownLengthStart, limit) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0) break;
                length += read;
                if (length > limit) return null;
            }
            var body = new PhotoBody(buffer, length);
            buffer = null;
            return body;
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
