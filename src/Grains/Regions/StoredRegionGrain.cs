using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// A district, regency or the province: its state is stored on each flush, so it answers at once after a restart, and
/// then catches up from its child grains in the background, since a crash may have cut off their last reports.
/// </summary>
public abstract class StoredRegionGrain(
    IPersistentState<RegionState> state,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : RegionGrain(registry, upstream, options, logger)
{
    protected override RegionState State => state.State;

    protected override Task SaveAsync() => state.WriteStateAsync();

    protected override Task OnRestoredAsync()
    {
        this.RegisterGrainTimer(async _ =>
        {
            try
            {
                await CatchUp();
            }
            catch (Exception e)
            {
                // The reconciliation pass will find whatever this missed.
                Logger.LogWarning(e, "{Region} could not catch up from its children after activation", Region.Code);
            }
        }, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync()
    {
        var children = await Task.WhenAll(Region.Children.Select(code => GrainFactory.GetRegionGrain(Registry.Get(code)).GetTallies()));
        return children.SelectMany(c => c);
    }
}
