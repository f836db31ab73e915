using System.Collections.Concurrent;
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

    /// <summary>
    /// Every report asks for its parent's reference, and building one (a grain id from the code) showed up in the
    /// silo's profile: each parent's is built once. Bounded by the registry's regions.
    /// </summary>
    private readonly ConcurrentDictionary<string, IRegionGrain> _parents = new(StringComparer.Ordinal);

    private IRegionGrain ParentOf(RegionInfo child) =>
        _parents.GetOrAdd(child.Parent ?? throw new ArgumentException($"{child.Code} has no parent"),
            static (parent, state) => state.grains.GetRegionGrain(state.registry.Get(parent)), (grains, registry));
}
