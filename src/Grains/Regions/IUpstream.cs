using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>How a node's report reaches its parent. One seam, so tests can re-deliver and reorder reports on purpose.</summary>
public interface IUpstream
{
    Task SendAsync(RegionInfo child, TallySnapshot[] report);

    /// <summary>
    /// Sends without waiting for the parent's answer: for a TPS, whose lost report the reconciliation pass heals
    /// (DESIGN.md invariant 4). The returned task says only that the report left.
    /// </summary>
    Task TellAsync(RegionInfo child, TallySnapshot[] report) => SendAsync(child, report);
}

public sealed class GrainUpstream(IGrainFactory grains, RegionRegistry registry) : IUpstream
{
    public Task SendAsync(RegionInfo child, TallySnapshot[] report) =>
        ParentOf(child).Report(report);

    public Task TellAsync(RegionInfo child, TallySnapshot[] report) => ParentOf(child).Hear(report);

    private IRegionGrain ParentOf(RegionInfo child) =>
        grains.GetRegionGrain(registry.Get(child.Parent ?? throw new ArgumentException($"{child.Code} has no parent")));
}
