namespace KpuOrleans.Gateway.Photos;

/// <summary>Configuration section <c>Photos</c>: where photos are kept and what an upload may cost the gateway.</summary>
public sealed class PhotoOptions
{
    public const string Section = "Photos";

    public const string MemoryStore = "memory", FolderStore = "folder", S3Store = "s3";

    /// <summary><c>memory</c> (the embedded default), <c>folder</c> (<see cref="Folder"/>) or <c>s3</c>.</summary>
    public string Store { get; set; } = MemoryStore;

    /// <summary>The folder of the <c>folder</c> store; created when missing.</summary>
    public string? Folder { get; set; }

    /// <summary>The largest body an upload may have (API.md: 8 MiB).</summary>
    public long MaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>What the <c>memory</c> store holds at most, originals and thumbnails together.</summary>
    public long MemoryLimitBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Images decoded at once: a decode holds up to 160 MB of pixels (40 megapixels) and a core.</summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    /// <summary>Uploads that may wait for a decode (each holds its body meanwhile); one more is a 503 at once.</summary>
    public int MaxQueuedDecodes { get; set; } = 16;

    /// <summary>Kestrel's own ceiling for request bodies is 30,000,000 bytes; the limit stays under it.</summary>
    public const long MaxBytesCeiling = 30_000_000;

    /// <summary>What start-up refuses (the gateway exits 2 rather than run with it).</summary>
    public IEnumerable<string> Problems()
    {
        if (Store is not (MemoryStore or FolderStore or S3Store))
            yield return $"{Section}:Store must be '{MemoryStore}', '{FolderStore}' or '{S3Store}', not '{Store}'.";
        if (Store == FolderStore && string.IsNullOrWhiteSpace(Folder))
            yield return $"{Section}:Store is '{FolderStore}' but {Section}:Folder is not set: name the folder photos are kept in.";
        if (MaxBytes is < 1024 or > MaxBytesCeiling)
            yield return $"{Section}:MaxBytes must be from 1,024 to {MaxBytesCeiling:N0} bytes, not {MaxBytes:N0}.";
        if (MemoryLimitBytes < MaxBytes * 2 || MemoryLimitBytes > 64L * 1024 * 1024 * 1024)
            yield return $"{Section}:MemoryLimitBytes must hold at least two photos of {Section}:MaxBytes and at most 64 GiB, not {MemoryLimitBytes:N0}.";
        if (MaxConcurrentDecodes is < 1 or > 256)
            yield return $"{Section}:MaxConcurrentDecodes must be 1–256, not {MaxConcurrentDecodes}.";
        if (MaxQueuedDecodes is < 0 or > 10_000)
            yield return $"{Section}:MaxQueuedDecodes must be 0–10,000, not {MaxQueuedDecodes}.";
    }
}
