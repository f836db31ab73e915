using System.Collections.Concurrent;
using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Tps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// A village, district or regency stores nothing: on activation, and whenever it is told to catch up, it rebuilds
/// from the latest forms of the TPS below it in the ledger (one query), summed per child. That is exact by
/// construction, can never be behind what it once reported up, and spares the database a state write per flush: on
/// election night a district flushes about once per form below it, so storing it would cost as much as the form.
/// </summary>
public abstract class LedgerRegionGrain(
    ILedger ledger,
    EvidenceReader evidence,
    RegionRegistry registry,
    ICertificateRegister certificates,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : RegionGrain(registry, certificates, upstream, options, logger)
{
    protected override RegionState State { get; } = new();

    protected override Task OnRestoredAsync() => CatchUp();

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync()
    {
        var latest = await ledger.ReadLatestUnderAsync(Region.Code);
        var evidenceOf = await evidence.OfAsync(Region.Code, [.. latest.Select(row => row.Form)]);
        var tps = latest.Select(row => FormTallies.Of(row, Registry.FindContest(row.Form.Contest)!, evidenceOf(row.Form)));
        return RollUp(Region.Code, tps);
    }

    /// <summary>Children told to rebuild that have not confirmed it yet; told again every second until they do.</summary>
    private readonly ConcurrentDictionary<string, bool> _aheadChildren = new(StringComparer.Ordinal);
    private IGrainTimer? _repairs;

    protected override void OnChildAhead(string child)
    {
        // Once this region is exact, nothing above it shows the child's damage: the telling must not be lost.
        if (!_aheadChildren.TryAdd(child, true)) return;
        Repair(child);
        _repairs ??= this.RegisterGrainTimer(_ =>
        {
            if (_aheadChildren.IsEmpty)
            {
                _repairs?.Dispose();
                _repairs = null;
            }
            foreach (var pending in _aheadChildren.Keys) Repair(pending);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void Repair(string child)
    {
        var region = Registry.Get(child);
        Task repair = region.Level == Level.Tps ? GrainFactory.GetGrain<ITpsGrain>(child).Reload() : GrainFactory.GetRegionGrain(region).Rebuild();
        repair.ContinueWith(done =>
        {
            if (done.IsCompletedSuccessfully) _aheadChildren.TryRemove(child, out _);
            else Logger.LogWarning(done.Exception, "{Child} could not be told to rebuild; telling it again", child);
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// The children of <paramref name="parent"/> from the TPS tallies below it, each level summed and digested bottom
    /// up, as the children's own grains would report them.
    /// </summary>
    private IEnumerable<TallySnapshot> RollUp(string parent, IEnumerable<TallySnapshot> tps) =>
        tps.GroupBy(t => (t.Contest, Child: ChildContaining(parent, t.Region))).Select(group =>
        {
            // A TPS is a child of its village as it is: one latest form per contest.
            if (group.Key.Child == group.First().Region) return group.First();
            var contest = Registry.FindContest(group.Key.Contest)!;
            var children = RollUp(group.Key.Child, group).ToList();
            var total = children.Aggregate(Tally.Zero(contest.Candidates.Count), (sum, child) => sum.Plus(child.Tally));
            return new TallySnapshot(contest.Id, group.Key.Child, total, children.Max(child => child.UpdatedAt),
                TallyDigest.OfRegion(contest, group.Key.Child, total, children.Select(child => (child.Region, child.Digest))));
        });

    /// <summary>The child of <paramref name="parent"/> that <paramref name="code"/> lies in: one more segment of the code.</summary>
    private static string ChildContaining(string parent, string code) =>
        RegionCode.Parse(code).AncestorAt(RegionCode.Parse(parent).Level + 1).Value;
}
