using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// The province: its state is stored on each flush, so it answers at once after a restart instead of reading every
/// form of the province from the ledger; when asked to catch up it re-reads its child grains. It flushes at most once
/// per interval, so its writes stay a handful per second however many forms arrive.
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

    /// <summary>
    /// The stored state serves at once. It is not re-pulled from the children here: on a cold start that would wake the
    /// whole tree below at the first form. What a crash cut off is found by the reconciliation pass, which compares
    /// versions with the ledger and calls <see cref="RegionGrain.CatchUp"/> only where a node lags.
    /// </summary>
    protected override Task OnRestoredAsync() => Task.CompletedTask;

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync()
    {
        var children = await Task.WhenAll(Region.Children.Select(code => GrainFactory.GetRegionGrain(Registry.Get(code)).GetTallies()));
        return children.SelectMany(c => c);
    }
}
