using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Gateway.Api.Progress;

/// <summary>
/// Every race's progress below a region, gathered from the grains that hold it (one call per child region and per race
/// scope inside it: 545 for the whole country) and shared for a second by every request for that region. However many
/// watch the national view, a gateway asks the cluster for it at most once a second, and no grain grows hot for it:
/// the root has none, and each race's top is asked once per gathering.
/// </summary>
public sealed class ProgressBoard(RegionRegistry registry, IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>At most this many regions' views are kept; a viewer walking every village cannot grow it further.</summary>
    public const int MaxRegionsKept = 1_024;

    /// <summary>Calls in flight for one gathering: the national view's 545 calls go out in waves, not all at once.</summary>
    private const int CallsInFlight = 64;

    private readonly Dictionary<string, Gathering> _views = new(StringComparer.Ordinal);

    private readonly Dictionary<string, int> _order = registry.Contests.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

    private sealed record Gathering(Task<TaggedJson> View, DateTimeOffset StartedAt);

    public Task<TaggedJson> ViewOf(RegionInfo region)
    {
        var now = clock.GetUtcNow();
        // One gathering per region at a time; the lock is held only to look and to start one (it yields at once).
        lock (_views)
        {
            if (_views.TryGetValue(region.Code, out var kept) && !IsStale(kept, now)) return kept.View;
            if (_views.Count >= MaxRegionsKept) Forget(now);
            var started = new Gathering(GatherAsync(region), now);
            _views[region.Code] = started;
            return started.View;
        }
    }

    // A failed gathering is not kept: the next request tries again.
    private static bool IsStale(Gathering gathering, DateTimeOffset now) =>
        (gathering.View.IsCompleted && now - gathering.StartedAt >= MaxAge) || gathering.View.IsFaulted || gathering.View.IsCanceled;

    private void Forget(DateTimeOffset now)
    {
        foreach (var (code, gathering) in _views)
        {
            if (IsStale(gathering, now)) _views.Remove(code);
        }
        if (_views.Count >= MaxRegionsKept) _views.Clear();
    }

    private async Task<TaggedJson> GatherAsync(RegionInfo region) => TaggedJson.Of(await ReadAsync(region));

    private async Task<ProgressDto> ReadAsync(RegionInfo region)
    {
        await Task.Yield();
        var children = region.Children.Select(registry.Get).ToArray();
        var reads = children.SelectMany(child => ReadsFor(child)).ToArray();
        var snapshots = new TallySnapshot[]?[reads.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, reads.Length), new ParallelOptions { MaxDegreeOfParallelism = CallsInFlight },
            async (i, _) => snapshots[i] = await grains.GetTallyGrain(reads[i].At).GetTallies());
        var byChild = reads.Select((read, i) => (read, tallies: snapshots[i]!))
            .SelectMany(r => r.read.Contests.Select(contest => (r.read.Child, contest, r.read.At,
                snapshot: r.tallies.FirstOrDefault(t => t.Contest == contest.Id)
                    ?? new TallySnapshot(contest.Id, r.read.At.Code, Tally.Zero(contest.Candidates.Count), null))))
            .ToLookup(x => x.Child.Code, StringComparer.Ordinal);
        return new ProgressDto(region.Code, region.Level.ToApiName(), region.Name, [.. children.Select(child =>
            new RegionProgressDto(child.Code, child.Level.ToApiName(), child.Name, child.TpsCount,
                [.. byChild[child.Code].OrderBy(x => _order[x.contest.Id]).Select(x => RaceProgressDto.From(x.contest, x.At, x.snapshot))]))]);
    }

    /// <summary>
    /// Where each race counting votes in <paramref name="child"/> is read: the races covering it at the child itself (one
    /// call for all of them), each race scoped inside it at its scope, the race's top.
    /// </summary>
    private IEnumerable<(RegionInfo Child, RegionInfo At, IReadOnlyList<Contest> Contests)> ReadsFor(RegionInfo child)
    {
        if (child.Contests.Count > 0) yield return (child, child, child.Contests);
        if (child.Level >= Level.Regency) yield break;
        foreach (var inside in registry.Contests.Where(c => c.Scope != child.Code && IsInside(c.Scope, child))
                     .GroupBy(c => c.Scope, StringComparer.Ordinal))
            yield return (child, registry.Get(inside.Key), [.. inside]);
    }

    private static bool IsInside(string scope, RegionInfo region) =>
        RegionCode.TryParse(scope, out var code) && RegionCode.TryParse(region.Code, out var ancestor) && code.IsWithin(ancestor);
}
