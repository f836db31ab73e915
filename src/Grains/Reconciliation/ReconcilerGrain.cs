using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Reconciliation;

/// <summary>
/// Wakes what nobody calls (DESIGN.md invariant 4). A crash can swallow a report: a TPS that committed a form but died
/// before telling its village, a region that applied reports but died before passing them on. Nobody will call those
/// nodes again, so this pass compares every node's version with the ledger and tells the ones that lag to catch up.
/// A database failover to a standby that missed commits does the opposite: nodes hold forms the ledger lost. Those
/// are rebuilt from the ledger, children before parents, and the TPS below a rebuilt village read their forms again.
/// </summary>
/// <remarks>
/// A node's version is the sum of the latest form versions below it, so the ledger alone says what it must reach.
/// Forms in flight make a live node lag for a moment; it is only healed if it still lags, now, the target of the
/// previous pass. Likewise a node may be ahead of a target for a moment (a form committed between reading the target
/// and the node); it is only rebuilt if the version it had at the previous pass exceeds the target read now, after
/// it: with no row lost, the ledger only grows, so that proves it holds rows the ledger no longer has. The check
/// starts at each contest's scope and descends only into nodes that lag or are ahead: one grain call per contest per
/// pass when all is well. Content that differs at an equal version sum is caught where it meets the truth: a
/// parent told another content for a version it holds rebuilds (RegionGrain.Apply).
/// <para>
/// The evidence (photoMissing, disputesOpen) changes without the versions, so the pass compares it too, with what
/// the store says (the catalogue, the disputes): a node that differs from it at two passes in a row, children checked
/// first, catches up from its children's source. That heals a region that died before passing an evidence change on.
/// </para>
/// </remarks>
public sealed class ReconcilerGrain(
    ILedger ledger,
    IPhotoCatalogue photos,
    IDisputeRegister disputes,
    RegionRegistry registry,
    IOptions<ReconciliationOptions> options,
    ILogger<ReconcilerGrain> logger) : Grain, IReconcilerGrain
{
    // After a cold start every node lags: bound the calls in flight so the walk does not swamp the cluster.
    private readonly SemaphoreSlim _calls = new(32);
    private Dictionary<(string Contest, string Region), long> _previousTargets = [];
    private Dictionary<(string Contest, string Region), long> _targets = [];

    private Dictionary<(string Contest, string Region), (int PhotoMissing, int DisputesOpen)> _evidenceTargets = [];

    /// <summary>The nodes whose evidence differed from the store's, at this pass and the one before.</summary>
    private HashSet<(string Contest, string Region)> _evidenceOff = [], _previousEvidenceOff = [];

    /// <summary>The versions the nodes visited showed, at this pass and the one before.</summary>
    private Dictionary<(string Contest, string Region), long> _seen = [], _previousSeen = [];

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
        _targets = await TargetsAsync();
        _evidenceTargets = await EvidenceTargetsAsync();
        _seen = [];
        _evidenceOff = [];
        var healed = new List<string>();
        try
        {
            foreach (var contest in registry.Contests)
            {
                await CheckAsync(contest.Id, registry.Get(contest.Scope), healed);
            }
        }
        finally
        {
            // Even a pass cut short (the ledger failing over) leaves what it saw for the next one.
            _previousTargets = _targets;
            _previousSeen = _seen;
            _previousEvidenceOff = _evidenceOff;
        }
        if (healed.Count > 0) logger.LogWarning("Reconciliation healed {Count} nodes: {Nodes}", healed.Count, string.Join(", ", healed.Take(20)));
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

    /// <param name="belowDamage">
    /// Whether an ancestor is proven to hold lost rows: then being ahead now is proof enough (a node ahead only for a
    /// moment is rebuilt for nothing, which costs a read). The ancestor rebuilds from the ledger, not from its children,
    /// so a damaged child left alone would hide below an exact parent where no later walk looks.
    /// </param>
    /// <returns>Whether the node (or something below it) lagged.</returns>
    private async Task<bool> CheckAsync(string contest, RegionInfo region, List<string> healed, bool belowDamage = false)
    {
        var key = (contest, region.Code);
        // No target: the ledger holds nothing below the node (any more).
        var target = _targets.GetValueOrDefault(key);
        var grain = GrainFactory.GetRegionGrain(region);
        var tally = await Bounded(() => grain.GetTally(contest));
        if (tally is null) return false;
        var version = tally.Tally.Version;
        lock (_seen) _seen[key] = version;
        var lags = _previousTargets.TryGetValue(key, out var previousTarget) && version < previousTarget;
        var damaged = (_previousSeen.TryGetValue(key, out var seen) && seen > target) || (belowDamage && version > target);
        var evidenceOff = (tally.Tally.PhotoMissing, tally.Tally.DisputesOpen) != _evidenceTargets.GetValueOrDefault(key);
        if (evidenceOff) lock (_evidenceOff) _evidenceOff.Add(key);
        if (!lags && !damaged && version <= target && !evidenceOff) return false;

        // Also below a node that is only ahead for now, so that the next pass knows what its children showed.
        var childLagged = region.Level != Level.Village
            && (await Task.WhenAll(region.Children.Select(child => CheckAsync(contest, registry.Get(child), healed, damaged)))).Any(lagged => lagged);
        if (damaged)
        {
            // The children are rebuilt by now (the walk above): each level reads its own source, the province its regencies.
            await Bounded(grain.Rebuild);
            if (region.Level == Level.Village)
                await Task.WhenAll(region.Children.Select(tps => Bounded(() => ReloadAsync(tps))));
            // What it showed before is no evidence against it now.
            lock (_seen) _seen.Remove(key);
            lock (healed) healed.Add($"{contest}/{region.Code} (rebuilt: ahead of the ledger)");
            return false;
        }
        // A lagging child heals and reports up by itself; a region whose children are all current lost their reports.
        if (lags && !childLagged)
        {
            await Bounded(async () => { await grain.CatchUp(); return 0; });
            lock (healed) healed.Add($"{contest}/{region.Code}");
        }
        else if (evidenceOff && _previousEvidenceOff.Contains(key))
        {
            await Bounded(async () => { await grain.CatchUp(); return 0; });
            lock (healed) healed.Add($"{contest}/{region.Code} (evidence)");
        }
        return lags;
    }

    /// <summary>A TPS re-reads its forms; one that cannot now is tried again if its village is still ahead next pass.</summary>
    private async Task<bool> ReloadAsync(string tps)
    {
        try
        {
            await GrainFactory.GetGrain<ITpsGrain>(tps).Reload();
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "TPS {Tps} could not re-read its forms", tps);
            return false;
        }
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

    /// <summary>What every region's evidence must be, per contest, from the catalogue and the disputes.</summary>
    private async Task<Dictionary<(string, string), (int PhotoMissing, int DisputesOpen)>> EvidenceTargetsAsync()
    {
        var targets = new Dictionary<(string, string), (int PhotoMissing, int DisputesOpen)>();
        void Add(string contest, string? village, int photoMissing, int disputesOpen)
        {
            for (var region = village is null ? null : registry.Find(village); region is not null; region = region.Parent is null ? null : registry.Get(region.Parent))
            {
                var (missing, open) = targets.GetValueOrDefault((contest, region.Code));
                targets[(contest, region.Code)] = (missing + photoMissing, open + disputesOpen);
            }
        }
        foreach (var sum in await photos.ReadPhotoMissingAsync()) Add(sum.Contest, sum.Village, sum.Tps, 0);
        foreach (var (form, counts) in await disputes.CountsUnderAsync(registry.Root.Code))
            if (counts.Open > 0) Add(form.Contest, registry.Find(form.Tps)?.Parent, 0, counts.Open);
        return targets;
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
