using KpuOrleans.Certification;
using KpuOrleans.Live;
using KpuOrleans.Proofs;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// The aggregation every region level shares: apply versioned child reports as deltas, and flush (tell the watchers,
/// store, then report to the parent) at most once per flush interval. Levels differ in their grain interface, in whether they store their
/// state, and in where they catch up from after a crash.
/// </summary>
public abstract class RegionGrain(
    RegionRegistry registry,
    ICertificateRegister certificates,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : Grain, IRegionGrain
{
    /// <summary>The storage provider the stored region levels write their state to.</summary>
    public const string StorageName = "tallies";

    private readonly Dictionary<string, Tally> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset?> _updatedAt = new(StringComparer.Ordinal);

    /// <summary>Certificates in force here and at the children, by (contest, region): they change no number, so no report carries them.</summary>
    private readonly Dictionary<(string Contest, string Region), CertificateSeal> _seals = new();

    /// <summary>Each contest's digest since its last change: recomputed from the children's digests only when read.</summary>
    private readonly Dictionary<string, string?> _digests = new(StringComparer.Ordinal);

    /// <summary>The children behind the digests handed out lately, for inclusion proofs read top down.</summary>
    private readonly RecentStates _recent = new(RecentStates.DefaultKeep);
    private FlushSchedule _flush = null!;
    private TallyWatchers _watchers = null!;
    private bool _unsaved;

    protected RegionInfo Region { get; private set; } = null!;

    protected RegionRegistry Registry => registry;

    protected ILogger Logger => logger;

    /// <summary>The last report applied from each child.</summary>
    protected abstract RegionState State { get; }

    /// <summary>Stores <see cref="State"/>; called on a flush, never per report.</summary>
    protected virtual Task SaveAsync() => Task.CompletedTask;

    /// <summary>The children's tallies as they stand now, from their source of truth.</summary>
    protected abstract Task<IEnumerable<TallySnapshot>> ReadChildrenAsync();

    /// <summary>Called once the totals are rebuilt from <see cref="State"/>: the level decides how it catches up.</summary>
    protected abstract Task OnRestoredAsync();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Region = registry.Get(this.GetPrimaryKeyString());
        _watchers = new TallyWatchers(Snapshot, logger);
        _flush = _watchers.Schedule(this, options.Value.FlushInterval, FlushAsync);
        foreach (var contest in Region.Contests) Recompute(contest);
        if (CertificationRules.ShownAt(Region) is { Count: > 0 } shown)
        {
            foreach (var certificate in await certificates.ReadInForceAsync(shown, cancellationToken))
                _seals[(certificate.Contest, certificate.Region)] = certificate.Seal;
        }
        await OnRestoredAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush.Stop();
        _watchers.Ending(Region.Code);
        if (_flush.HasPending || _unsaved) await FlushAsync([.. Region.Contests.Select(c => c.Id)]);
    }

    public async Task Report(TallySnapshot[] tallies)
    {
        KpuMetrics.RegionReports.Add(tallies.Length, new KeyValuePair<string, object?>("level", Region.Level.ToApiName()));
        if (Apply(tallies)) await Rebuild();
    }

    public Task Hear(TallySnapshot[] tallies) => Report(tallies);

    public async Task CatchUp()
    {
        var children = (await ReadChildrenAsync()).ToList();
        if (Apply(children)) Replace(children);
    }

    public async Task<bool> Rebuild() => Replace([.. await ReadChildrenAsync()]);

    public Task Certified(string contest, string region, CertificateSeal? seal)
    {
        if (seal is null) _seals.Remove((contest, region));
        else _seals[(contest, region)] = seal;
        // No report carries a seal: the parent hears nothing, the watchers hear it at the next flush.
        if (region == Region.Code && _watchers.IsWatched(contest)) _flush.MarkToTell(contest);
        return Task.CompletedTask;
    }

    public Task<TallySnapshot?> GetTally(string contest) =>
        Task.FromResult(_totals.ContainsKey(contest) ? Snapshot(contest) : null);

    public Task<TallySnapshot[]> GetTallies() => Task.FromResult(Region.Contests.Select(c => Snapshot(c.Id)).ToArray());

    public Task<TallySnapshot?> Watch(string contest, ILiveObserver observer) =>
        Task.FromResult(_totals.ContainsKey(contest) ? _watchers.Watch(contest, observer) : null);

    public Task Unwatch(string contest, ILiveObserver observer)
    {
        _watchers.Unwatch(contest, observer);
        return Task.CompletedTask;
    }

    public Task<TallySnapshot[]> GetChildren(string contest)
    {
        if (Region.FindContest(contest) is not { } covered) return Task.FromResult<TallySnapshot[]>([]);
        var applied = ChildrenOf(contest);
        var children = Region.Children
            .Select(code => (applied.TryGetValue(code, out var child)
                ? child
                : new TallySnapshot(contest, code, Tally.Zero(covered.Candidates.Count), null)) with { Certified = _seals.GetValueOrDefault((contest, code)) })
            .ToArray();
        return Task.FromResult(children);
    }

    /// <summary>Applies each report newer than what this region holds for that child (DESIGN.md invariant 3).</summary>
    /// <returns>
    /// Whether a report had the version held for its child with other content. Versions only grow while the ledger
    /// keeps every row, so one of the two comes from rows a failover lost: only the children's source can tell which.
    /// </returns>
    private bool Apply(IEnumerable<TallySnapshot> reports)
    {
        var conflicting = false;
        foreach (var report in reports)
        {
            if (!IsChild(report))
            {
                logger.LogWarning("{Region} ignored a report for {Contest} from {Child}, which is not its child in that contest",
                    Region.Code, report.Contest, report.Region);
                continue;
            }
            var total = _totals[report.Contest];
            var children = ChildrenOf(report.Contest);
            children.TryGetValue(report.Region, out var previous);
            if (previous is { Digest: { } held } && report.Tally.Version == previous.Tally.Version && report.Digest is { } reported && reported != held)
            {
                logger.LogWarning("{Region} holds {Child} {Contest} v{Version} with other content than reported now; it rebuilds from its children's source",
                    Region.Code, report.Region, report.Contest, report.Tally.Version);
                conflicting = true;
                continue;
            }
            // An equal version is the same content; it is taken only to fill in a digest that state stored before
            // digests existed lacks.
            if (previous is not null && !report.Tally.IsNewerThan(previous.Tally)
                && !(report.Tally.Version == previous.Tally.Version && previous.Digest is null && report.Digest is not null)) continue;

            _totals[report.Contest] = previous is null ? total.Plus(report.Tally) : total.Plus(report.Tally).Minus(previous.Tally);
            _recent.Replacing(report.Contest, report.Region, previous);
            children[report.Region] = report;
            _digests.Remove(report.Contest);
            if (_updatedAt[report.Contest] is not { } at || report.UpdatedAt > at) _updatedAt[report.Contest] = report.UpdatedAt;
            _unsaved = true;
            _flush.MarkChanged(report.Contest);
        }
        return conflicting;
    }

    /// <summary>
    /// Takes <paramref name="children"/>, read from the children's source of truth, as this region's children: a lower
    /// version replaces a higher one and a child missing from it is dropped. Nothing is pushed with this power: a
    /// report in flight can be stale and only a read of the source is current, so idempotence (DESIGN.md invariant 3)
    /// holds for every report. A stale report that lands later with a higher version makes this region ahead of the
    /// ledger again, which the next reconciliation passes see and rebuild.
    /// </summary>
    /// <returns>Whether anything changed.</returns>
    private bool Replace(IReadOnlyCollection<TallySnapshot> children)
    {
        var changed = false;
        foreach (var contest in Region.Contests)
        {
            var held = ChildrenOf(contest.Id);
            var read = children.Where(c => c.Contest == contest.Id && IsChild(c)).ToDictionary(c => c.Region, StringComparer.Ordinal);
            // A read made before a photo arrived or a dispute moved is older than the report that told it: at one
            // version and one content, the evidence of the higher revision stands.
            foreach (var (code, h) in held)
            {
                if (read.TryGetValue(code, out var r) && r.Tally.Version == h.Tally.Version && r.Digest == h.Digest && h.Tally.Revision > r.Tally.Revision)
                    read[code] = h;
            }
            if (read.Count == held.Count && read.All(c => held.TryGetValue(c.Key, out var h) && h.Digest == c.Value.Digest && h.Tally.SameCounts(c.Value.Tally)))
                continue;
            // A child whose last report shows more than its source holds may still hold it: left alone, it would hide
            // below this region once this region is exact, where no reconciliation walk looks.
            foreach (var (code, h) in held)
            {
                var now = read.GetValueOrDefault(code);
                if (h.Tally.Version > (now?.Tally.Version ?? 0) || (now is not null && h.Tally.Version == now.Tally.Version && h.Digest != now.Digest))
                    OnChildAhead(code);
            }
            logger.LogWarning("{Region} {Contest} held {Held} but its children's source says {Read}: rebuilt from it",
                Region.Code, contest.Id, _totals[contest.Id], read.Values.Aggregate(Tally.Zero(contest.Candidates.Count), (sum, c) => sum.Plus(c.Tally)));
            held.Clear();
            foreach (var (code, child) in read) held[code] = child;
            _recent.Forget(contest.Id);
            Recompute(contest);
            _digests.Remove(contest.Id);
            _unsaved = true;
            _flush.MarkChanged(contest.Id);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Called for a child whose report shows more than this region's source holds: a level that reads the ledger tells
    /// it to rebuild (or a TPS to re-read its forms). It does not wait: the child may be waiting on this region.
    /// </summary>
    protected virtual void OnChildAhead(string child) { }

    private bool IsChild(TallySnapshot report) => _totals.ContainsKey(report.Contest) && registry.Find(report.Region)?.Parent == Region.Code;

    private void Recompute(Contest contest)
    {
        var total = Tally.Zero(contest.Candidates.Count);
        DateTimeOffset? updatedAt = null;
        foreach (var child in ChildrenOf(contest.Id).Values)
        {
            total = total.Plus(child.Tally);
            if (updatedAt is null || child.UpdatedAt > updatedAt) updatedAt = child.UpdatedAt;
        }
        _totals[contest.Id] = total;
        _updatedAt[contest.Id] = updatedAt;
    }

    private TallySnapshot Snapshot(string contest) =>
        new(contest, Region.Code, _totals[contest], _updatedAt[contest], DigestOf(contest), _seals.GetValueOrDefault((contest, Region.Code)));

    /// <summary>
    /// One hash over the children's digests and this region's totals: the work of one flush grows with the number of
    /// children, never with the forms below them.
    /// </summary>
    private string? DigestOf(string contest)
    {
        if (_digests.TryGetValue(contest, out var digest)) return digest;
        digest = TallyDigest.OfRegion(Region.FindContest(contest)!, Region.Code, _totals[contest],
            ChildrenOf(contest).Values.Select(child => (child.Region, child.Digest)));
        _digests[contest] = digest;
        _recent.HandedOut(contest, digest);
        return digest;
    }

    public Task<ProofStep?> GetProofStep(string contest, string? digest)
    {
        if (Region.FindContest(contest) is not { } race || DigestOf(contest) is not { } current) return Task.FromResult<ProofStep?>(null);
        var children = digest is null || digest == current ? null : _recent.ChildrenAt(contest, digest, ChildrenOf(contest));
        // A state no longer kept is answered with the current one: the reader sees another digest and reads again.
        var totals = children is null ? _totals[contest] : children.Values.Aggregate(Tally.Zero(race.Candidates.Count), (sum, c) => sum.Plus(c.Tally));
        var text = TallyDigest.RegionText(race, Region.Code, totals, (children ?? ChildrenOf(contest)).Values.Select(c => (c.Region, c.Digest)))!;
        return Task.FromResult<ProofStep?>(new ProofStep(Region.Code, text, TallyDigest.Hash(text), totals.Version,
            _seals.GetValueOrDefault((contest, Region.Code)), _totals[contest].Version));
    }

    private Dictionary<string, TallySnapshot> ChildrenOf(string contest)
    {
        if (!State.Children.TryGetValue(contest, out var children))
            State.Children[contest] = children = new(StringComparer.Ordinal);
        return children;
    }

    private async Task FlushAsync(IReadOnlyCollection<string> contests)
    {
        // Store before reporting: a parent must never hold a contribution this region could lose.
        if (_unsaved)
        {
            await SaveAsync();
            _unsaved = false;
        }
        // A regency's own race ends at the regency: the province hears only the contests it covers.
        if (Region.Parent is null) return;
        var parent = registry.Get(Region.Parent);
        var report = contests.Where(c => parent.FindContest(c) is not null).Select(Snapshot).ToArray();
        if (report.Length > 0) await upstream.SendAsync(Region, report);
    }
}
