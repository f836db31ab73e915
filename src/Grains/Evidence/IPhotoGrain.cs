namespace KpuOrleans.Evidence;

/// <summary>One photo, keyed by its SHA-256 (lowercase hex): where the gateway says a photo is now stored.</summary>
public interface IPhotoGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the photo in the catalogue and tells every TPS whose latest form cites it, and answers once they have
    /// reported to their villages. Idempotent: the gateway calls it for every successful upload, retries included, so
    /// an upload answered 2xx always means the flags above it are cleared.
    /// </summary>
    Task Stored(PhotoRecord photo);
}
