using System.Collections.Concurrent;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// The embedded default: photos in the process's memory, gone when it stops (as the embedded ledger is). Bounded by
/// <see cref="PhotoOptions.MemoryLimitBytes"/>: when full, an upload is a 503 naming the limit, never an exhausted process.
/// </summary>
public sealed class InMemoryPhotoStore(long limitBytes) : IPhotoStore
{
    private readonly ConcurrentDictionary<string, (string ContentType, byte[] Bytes)> _objects = new(StringComparer.Ordinal);
    private readonly Lock _room = new();
    private long _held;

    public Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_objects.TryGetValue(key, out var found) ? new StoredPhoto(found.ContentType, found.Bytes.Length) : null);

    public Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (_objects.ContainsKey(key)) return Task.CompletedTask;
        lock (_room)
        {
            if (_objects.ContainsKey(key)) return Task.CompletedTask;
            if (_held + content.Length > limitBytes)
                throw new PhotoStoreUnavailableException(
                    $"The gateway's in-memory photo store is full: it holds at most {limitBytes:N0} bytes (Photos:MemoryLimitBytes). " +
                    "Nothing was stored; an operator can raise the limit or keep photos in a folder or an S3 store.");
            _objects[key] = (contentType, content.ToArray()); // a copy: the caller's buffer goes back to its pool
            _held += content.Length;
        }
        return Task.CompletedTask;
    }

    public Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_objects.TryGetValue(key, out var found)
            ? new PhotoContent(found.ContentType, found.Bytes.Length, new MemoryStream(found.Bytes, writable: false))
            : null);
}
