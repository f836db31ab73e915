namespace KpuOrleans.Gateway.Api;

/// <summary>
/// What a CDN in front of the gateways may keep (API.md, "Caching"). A tally is fresh for a second, and a cache may
/// serve it up to ten seconds more while it revalidates with its ETag: on the busiest night a million
/// viewers then cost the gateways about one request per tally per second per cache, not one per viewer.
/// </summary>
public static class CachePolicy
{
    public const string Tallies = "public, max-age=1, stale-while-revalidate=10";

    /// <summary>The registry (contests, regions) is fixed for the life of the process.</summary>
    public const string Registry = "public, max-age=60, stale-while-revalidate=600";
}
