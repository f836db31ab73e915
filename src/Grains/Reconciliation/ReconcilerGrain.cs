using KpuOrleans.Ledger;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Reconciliation;

/// <summary>
/// Wakes what nobody calls (DESIGN.md invariant 4). A crash can swallow a report: a TPS that committed a form but died
/// before telling its village, a region that applied reports but died before passing them on. Nobody will call those
/// nodes again, so this pass compares every node's version with the ledger and tells the ones that lag to catch up.
/// </summary>
/// <remarks>
/// A node's version is the sum of the latest form versions below it, so the ledger alone says what it must reach.
/// Forms in flight make a live node lag for a moment; it is only healed if it still lags, now, the target of the
/// previous pass. The check starts at each contest's scope and descends only into lagging nodes: one grain call per
/// contest per pass when all is well.
/// </remarks>
public sealed class ReconcilerGrain(
    ILedger ledger,
    RegionRegistry registry,
    IOptions<ReconciliationOptions> options,
    ILogger<ReconcilerGrain> logger) : Grain, IReconcilerGrain
{
    // After a cold start every node lags: bound the calls in flight so the walk does not swamp the cluster.
    private readonly SemaphoreSlim _calls = new(32);
    private Dictionary<(string Contest, string Region), long> _previousTargets = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(async _ => await RunPassSafelyAsync(), new GrainTimerCreationOptions
        {
            DueTime = options.Value.Interval,
            Period = options.Value.Interval,
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public Task EnsureRunning() => Task.CompletedTask;

    public async Task<string[]> RunPass()
    {
        var targets = await TargetsAsync();
        var healed = new List<string>();
        foreach (var contest in registry.Contests)
        {
            await CheckAsync(contest.Id, registry.Get(contest.Scope), healed);
        }
        _previousTargets = targets;
        if (healed.Count > 0) logger.LogWarning("Reconciliation told {Count} lagging nodes to catch up: {Nodes}", healed.Count, string.Join(", ", healed.Take(20)));
        return [.. healed];
    }

    private async Task RunPassSafelyAsync()
    {
        try
        {
            await RunPass();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Reconciliation pass failed; the next one will try again");
        }
    }

    /// <returns>Whether the node (or something below it) lagged.</returns>
    private async Task<bool> CheckAsync(string contest, RegionInfo region, List<string> healed)
    {
        if (!_previousTargets.TryGetValue((contest, region.Code), out var target)) return false;
        var grain = GrainFactory.GetRegionGrain(region);
        var tally = await Bounded(() => grain.GetTally(contest));
        if (tally is null || tally.Tally.Version >= target) return false;

        var childLagged = region.Level != Level.Village
            && (await Task.WhenAll(region.Children.Select(child => CheckAsync(contest, registry.Get(child), healed)))).Any(lagged => lagged);
        // A lagging child heals and reports up by itself; a region whose children are all current lost their reports.
        if (!childLagged)
        {
            await Bounded(async () => { await grain.CatchUp(); return 0; });
            lock (healed) healed.Add($"{contest}/{region.Code}");
        }
        return true;
    }

    private async Task<T> Bounded<T>(Func<Task<T>> call)
    {
        await _calls.WaitAsync();
        try
        {
            return await call();
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>What every region must reach, per contest: the sum of its villages' ledger version sums.</summary>
    private async Task<Dictionary<(string, string), long>> TargetsAsync()
    {
        var targets = new Dictionary<(string, string), long>();
        foreach (var sum in await ledger.ReadVersionSumsAsync())
        {
            for (var region = registry.Find(sum.Village); region is not null; region = region.Parent is null ? null : registry.Get(region.Parent))
            {
                targets[(sum.Contest, region.Code)] = targets.GetValueOrDefault((sum.Contest, region.Code)) + sum.Version;
            }
        }
        return targets;
    }
}
