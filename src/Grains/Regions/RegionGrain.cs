using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// The aggregation every region level shares: apply versioned child reports as deltas, and flush (store, then report
/// to the parent) at most once per flush interval. Levels differ only in their grain interface and state name.
/// </summary>
public abstract class RegionGrain(
    IPersistentState<RegionState> state,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : Grain, IRegionGrain
{
    /// <summary>The storage provider every region level writes its state to.</summary>
    public const string StorageName = "tallies";

    private readonly Dictionary<string, Tally> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset?> _updatedAt = new(StringComparer.Ordinal);
    private RegionInfo _region = null!;
    private FlushSchedule _flush = null!;
    private bool _unsaved;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _region = registry.Get(this.GetPrimaryKeyString());
        _flush = new FlushSchedule(this, options.Value.FlushInterval, FlushAsync, logger);
        foreach (var contest in _region.Contests)
        {
            var total = Tally.Zero(contest.Candidates.Count);
            DateTimeOffset? updatedAt = null;
            foreach (var child in ChildrenOf(contest.Id).Values)
            {
                total = total.Plus(child.Tally);
                if (child.UpdatedAt > updatedAt || updatedAt is null) updatedAt = child.UpdatedAt;
            }
            _totals[contest.Id] = total;
            _updatedAt[contest.Id] = updatedAt;
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush.Stop();
        if (_flush.HasPending || _unsaved) await FlushAsync([.. _region.Contests.Select(c => c.Id)]);
    }

    public Task Report(TallySnapshot[] tallies)
    {
        foreach (var report in tallies)
        {
            if (!_totals.TryGetValue(report.Contest, out var total) || registry.Find(report.Region)?.Parent != _region.Code)
            {
                logger.LogWarning("{Region} ignored a report for {Contest} from {Child}, which is not its child in that contest",
                    _region.Code, report.Contest, report.Region);
                continue;
            }
            var children = ChildrenOf(report.Contest);
            children.TryGetValue(report.Region, out var previous);
            if (previous is not null && report.Tally.Version <= previous.Tally.Version) continue;

            _totals[report.Contest] = previous is null ? total.Plus(report.Tally) : total.Plus(report.Tally).Minus(previous.Tally);
            children[report.Region] = report;
            if (_updatedAt[report.Contest] is not { } at || report.UpdatedAt > at) _updatedAt[report.Contest] = report.UpdatedAt;
            _unsaved = true;
            _flush.MarkChanged(report.Contest);
        }
        return Task.CompletedTask;
    }

    public Task<TallySnapshot?> GetTally(string contest) =>
        Task.FromResult(_totals.TryGetValue(contest, out var total)
            ? new TallySnapshot(contest, _region.Code, total, _updatedAt[contest])
            : null);

    public Task<TallySnapshot[]> GetChildren(string contest)
    {
        if (_region.FindContest(contest) is not { } covered) return Task.FromResult<TallySnapshot[]>([]);
        var applied = ChildrenOf(contest);
        var children = _region.Children
            .Select(code => applied.TryGetValue(code, out var child)
                ? child
                : new TallySnapshot(contest, code, Tally.Zero(covered.Candidates.Count), null))
            .ToArray();
        return Task.FromResult(children);
    }

    private Dictionary<string, TallySnapshot> ChildrenOf(string contest)
    {
        if (!state.State.Children.TryGetValue(contest, out var children))
            state.State.Children[contest] = children = new(StringComparer.Ordinal);
        return children;
    }

    private async Task FlushAsync(IReadOnlyCollection<string> contests)
    {
        // Store before reporting: a parent must never hold a contribution this region could lose.
        if (_unsaved)
        {
            await state.WriteStateAsync();
            _unsaved = false;
        }
        if (_region.Parent is null) return;
        var report = contests.Select(c => new TallySnapshot(c, _region.Code, _totals[c], _updatedAt[c])).ToArray();
        await upstream.SendAsync(_region, report);
    }
}
