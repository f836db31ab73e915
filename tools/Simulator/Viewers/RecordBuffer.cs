using System.Buffers;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>
/// One connection's receive buffer: the socket writes into <see cref="Free"/>, and every complete SignalR record
/// (terminated by 0x1E) is handed out in place, without a copy. A record cut between two reads stays at the front
/// until its end arrives; a record larger than the buffer grows it (rented from the shared pool, as the buffer is).
/// </summary>
internal sealed class RecordBuffer(int initialSize = 2048) : IDisposable
{
    public const byte Separator = 0x1E;

    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _filled;

    public delegate void RecordAction(ReadOnlySpan<byte> record);

    /// <summary>Where the next read goes; never empty.</summary>
    public Memory<byte> Free
    {
        get
        {
            if (_filled == _bytes.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_bytes.Length * 2);
                _bytes.AsSpan(0, _filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = larger;
            }
            return _bytes.AsMemory(_filled);
        }
    }

    /// <summary>Takes <paramref name="count"/> bytes just read into <see cref="Free"/> and hands out every record now complete.</summary>
    public void Advance(int count, RecordAction action)
    {
        _filled += count;
        var consumed = 0;
        while (true)
        {
            var end = _bytes.AsSpan(consumed, _filled - consumed).IndexOf(Separator);
            if (end < 0) break;
            action(_bytes.AsSpan(consumed, end));
            consumed += end + 1;
        }
        if (consumed == 0) return;
        _bytes.AsSpan(consumed, _filled - consumed).CopyTo(_bytes);
        _filled -= consumed;
    }

    public void Dispose()
    {
        var bytes = Interlocked.Exchange(ref _bytes, []);
        if (bytes.Length > 0) ArrayPool<byte>.Shared.Return(bytes);
    }
}
