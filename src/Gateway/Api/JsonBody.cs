using System.Buffers;
using System.Text.Json;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// A parsed request body and the pooled buffer it was read into: the document reads its strings and numbers from that
/// buffer, so the buffer goes back to the pool only when the document is done with.
/// </summary>
public sealed class JsonBody(JsonDocument document, byte[] rented) : IDisposable
{
    private byte[]? _rented = rented;

    public JsonElement RootElement => document.RootElement;

    public void Dispose()
    {
        document.Dispose();
        // Twice returned, a buffer would be handed to two requests at once.
        if (Interlocked.Exchange(ref _rented, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
