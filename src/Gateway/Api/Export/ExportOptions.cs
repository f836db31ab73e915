namespace KpuOrleans.Gateway.Api.Export;

/// <summary><c>Export:*</c>: how the open-data CSV is served (API.md, "Reading"; README, "Configuration").</summary>
public sealed class ExportOptions
{
    public const string Section = "Export";

    /// <summary>A snapshot is regenerated at most this often per contest; every download in between shares it.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Export downloads in flight per gateway; more get 503 with Retry-After.</summary>
    public int MaxConcurrentDownloads { get; set; } = 16;

    /// <summary>A download slower than this (after a 5 s grace) is dropped, so a reader that stops reading frees its slot.</summary>
    public int MinBytesPerSecond { get; set; } = 1024;

    /// <summary>Connections of the export's own PostgreSQL pool (per gateway); the snapshot reads one at a time per contest.</summary>
    public int ReadConnections { get; set; } = 2;
}
