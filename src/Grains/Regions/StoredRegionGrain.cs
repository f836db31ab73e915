using KpuOrleans.Certification;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// The province: its state is stored on each flush, so it answers at once after a restart instead of reading every
/// form of the province from the ledger; to catch up it re-reads its child grains. It flushes at most once
/// per interval, so its writes stay a handful per second however many forms arrive.
/// </summary>
public abstract class StoredRegionGrain(
    IPersistentState<RegionState> state,
    RegionRegistry registry,
    ICertificateRegister certificates,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : RegionGrain(registry, certificates, upstream, options, logger)
{
    protected override RegionState State => state.State;

    protected override Task SaveAsync() => state.WriteStateAsync();

    /// <summary>
    /// The stored state serves at once; right after, in the background, the province asks its regencies once. They
    /// rebuild from the ledger when they activate (nothing below them wakes), so after a restart or a cold start the
    /// province is exact within seconds rather than at the next reconciliation pass.
    /// </summary>
    protected override Task OnRestoredAsync()
    {
        this.RegisterGrainTimer(_ => CatchUp(), new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        return Task.CompletedTask;
    }

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync()
    {
        var children = await Task.WhenAll(Region.Children.Select(code => GrainFactory.GetRegionGrain(Registry.Get(code)).GetTallies()));
        // A regency also holds its own regent/mayor race, which ends there: only the contests this region counts.
        return children.SelectMany(c => c).Where(t => Region.FindContest(t.Contest) is not null);
    }
}
