namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// Configuration section <c>RateLimits</c>. Writers are limited per token (one officer), everyone else per client
/// address. The defaults leave room for an honest client: an officer sends a few forms a night, a regency operator's
/// upload tool a batch a second; a viewer's page reads a few tallies on each drill-down and holds one hub connection.
/// Addresses are shared (carrier-grade NAT puts many phones behind one), so the per-address limits are generous.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Unset: on with a PostgreSQL connection string (a real cluster), off in the embedded mode.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Sustained write requests (single or batch) per writer token.</summary>
    public int WriterRequestsPerSecond { get; set; } = 10;

    /// <summary>Write requests a writer may send at once before the sustained rate applies.</summary>
    public int WriterBurst { get; set; } = 100;

    /// <summary>Sustained reads of <c>/api/v1</c> per client address (and writes that carry no valid token).</summary>
    public int ReaderRequestsPerSecond { get; set; } = 50;

    public int ReaderBurst { get; set; } = 500;

    /// <summary>Open SignalR connections per client address.</summary>
    public int HubConnectionsPerAddress { get; set; } = 500;

    public IEnumerable<string> Problems()
    {
        if (WriterRequestsPerSecond < 1) yield return $"{Section}:WriterRequestsPerSecond must be at least 1.";
        if (WriterBurst < 1) yield return $"{Section}:WriterBurst must be at least 1.";
        if (ReaderRequestsPerSecond < 1) yield return $"{Section}:ReaderRequestsPerSecond must be at least 1.";
        if (ReaderBurst < 1) yield return $"{Section}:ReaderBurst must be at least 1.";
        if (HubConnectionsPerAddress < 1) yield return $"{Section}:HubConnectionsPerAddress must be at least 1.";
    }
}
