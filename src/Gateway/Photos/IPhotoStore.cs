namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Where photo bytes live, named by their SHA-256 (lowercase hex). Content-addressed, so a write is idempotent and a
/// photo never changes once stored. Implementations: memory or a local folder (embedded), any S3-compatible object store.
/// </summary>
public interface IPhotoStore
{
    /// <summary>The stored object's content type and length; null when absent.</summary>
    /// <exception cref="PhotoStoreUnavailableException">the store could not be asked.</exception>
    Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>; storing the same key again is harmless.</summary>
    Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when absent.</summary>
    Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken);
}

public sealed record StoredPhoto(string ContentType, long Length);

/// <summary>An object being read: dispose it to release its stream.</summary>
public sealed record PhotoContent(string ContentType, long Length, Stream Content) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

public sealed class PhotoStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
