namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Bounds the decodes running at once (each may hold 160 MB of pixels and a core) and the uploads waiting for one
/// (each holds its body). Past both, an upload is refused at once rather than queued without end.
/// </summary>
public sealed class DecodeGate(int concurrent, int queued) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrent, concurrent);
    private int _waiting;

    /// <returns>A slot to dispose when the decode is done, or null when the queue is full.</returns>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0)) return new Slot(_slots);
        if (Interlocked.Increment(ref _waiting) > queued)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellationToken);
            return new Slot(_slots);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
