using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>How a node's report reaches its parent. One seam, so tests can re-deliver and reorder reports on purpose.</summary>
public interface IUpstream
{
    Task SendAsync(RegionInfo child, TallySnapshot[] report);
}

public sealed class GrainUpstream(IGrainFactory grains, RegionRegistry registry) : IUpstream
{
    public Task SendAsync(RegionInfo child, TallySnapshot[] report) =>
        grains.GetRegionGrain(registry.Get(child.Parent ?? throw new ArgumentException($"{child.Code} has no parent"))).Report(report);
}
