using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Checking;

/// <summary>A tally that did not match the recount, with every figure that differs.</summary>
internal sealed record TallyMismatch(TallyTarget Target, IReadOnlyList<string> Differences)
{
    public override string ToString() => $"{Target}: {string.Join("; ", Differences)}";
}

internal sealed record CheckReport(int Checked, IReadOnlyList<TallyMismatch> Mismatches, int Rounds)
{
    public bool Clean => Mismatches.Count == 0;
}

/// <summary>
/// The end-of-run check: every target tally, read through the API, must equal the recount of the forms the simulator
/// got accepted. Tallies reach the upper levels a flush or a few later, so a target that differs is read again until
/// it agrees or <c>settle</c> has passed; what still differs then is reported.
/// </summary>
internal sealed class TallyChecker(ITallyReader reader, TimeSpan settle, TimeSpan pause, int parallelism = 16)
{
    public async Task<CheckReport> CheckAsync(IReadOnlyList<TallyTarget> targets, Recount recount, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settle;
        var pending = targets;
        var rounds = 0;
        while (true)
        {
            rounds++;
            var mismatches = await CheckOnceAsync(pending, recount, cancellationToken);
            if (mismatches.Count == 0 || DateTime.UtcNow >= deadline)
                return new CheckReport(targets.Count, [.. mismatches.OrderBy(m => m.Target.Region.Code, StringComparer.Ordinal).ThenBy(m => m.Target.Contest.Id, StringComparer.Ordinal)], rounds);
            pending = [.. mismatches.Select(m => m.Target)];
            await Task.Delay(pause, cancellationToken);
        }
    }

    private async Task<List<TallyMismatch>> CheckOnceAsync(IReadOnlyList<TallyTarget> targets, Recount recount, CancellationToken cancellationToken)
    {
        var mismatches = new List<TallyMismatch>();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (target, token) =>
            {
                var differences = await CompareAsync(target, recount, token);
                if (differences.Count == 0) return;
                lock (mismatches) mismatches.Add(new TallyMismatch(target, differences));
            });
        return mismatches;
    }

    private async Task<IReadOnlyList<string>> CompareAsync(TallyTarget target, Recount recount, CancellationToken cancellationToken)
    {
        var (shown, problem) = await reader.ReadAsync(target, cancellationToken);
        if (shown is null) return [problem ?? "no tally"];
        var differences = recount.Expected(target.Contest, target.Region.Code).DifferencesFrom(shown.Figures, target.Contest).ToList();
        if (shown.Registered != target.Region.Registered)
            differences.Add($"registered: the registry says {target.Region.Registered:N0}, shown {shown.Registered:N0}");
        if (shown.TpsExpected != target.Region.TpsCount)
            differences.Add($"tpsExpected: the registry says {target.Region.TpsCount:N0}, shown {shown.TpsExpected:N0}");
        return differences;
    }

    /// <summary>
    /// What to check for a slice: every region above it up to the province, and every region in it down to
    /// <paramref name="deepest"/>, each for every race that covers it.
    /// </summary>
    public static IReadOnlyList<TallyTarget> TargetsFor(RegionRegistry registry, IReadOnlyList<RegionInfo> slice, Level deepest)
    {
        var regions = new SortedDictionary<string, RegionInfo>(StringComparer.Ordinal);
        void Down(RegionInfo region)
        {
            if (region.Level > deepest) return;
            regions[region.Code] = region;
            foreach (var child in region.Children) Down(registry.Get(child));
        }
        foreach (var root in slice)
        {
            for (var up = root.Parent; up is not null; up = registry.Get(up).Parent) regions[up] = registry.Get(up);
            if (root.Level > deepest) regions[root.Code] = root;
            Down(root);
        }
        return [.. regions.Values.SelectMany(r => r.Contests.Select(c => new TallyTarget(c, r)))];
    }
}
