using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;
using Xunit.Abstractions;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// Memory per activation, the figure DESIGN.md's budget rests on: a night's forms at two regencies, then each level's
/// activations let go one level at a time, the managed heap weighed before and after each. The ledger (in memory here,
/// PostgreSQL in a cluster) keeps its rows throughout, so each difference is the activations alone. Prints the figures
/// and asserts only what must hold: every level let go, and the tallies exact when read back. Run it on its own
/// (<c>--filter FullyQualifiedName~ActivationMemoryTests</c>): other tests in the process move the heap.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ActivationMemoryTests(QuietReconcilerCluster cluster, ITestOutputHelper output) : IClassFixture<QuietReconcilerCluster>
{
    private static RegionRegistry Registry => Jatim.Registry;

    /// <param name="races">Forms per TPS: one race, or both; their difference is what each further ballot adds.</param>
    /// <param name="slice">About 5,000 TPS: Kabupaten Malang and Pacitan, or Jember and Bondowoso.</param>
    [Theory]
    [InlineData(2, new[] { "35.07", "35.01" })]
    [InlineData(1, new[] { "35.09", "35.11" })]
    public async Task Weighs_each_levels_activations(int races, string[] slice)
    {
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var tps = slice.SelectMany(Registry.TpsUnder).ToList();
        var random = new Random(435);
        var forms = tps.SelectMany(t => t.Contests.Take(races).Select(c => SampleForms.Valid(t, c, random))).ToList();
        var before = Weigh();

        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (form, _) =>
            Assert.Equal(SubmitStatus.Accepted, (await cluster.Grains.GetGrain<ITpsGrain>(form.Tps).Submit(form, "kpps", SubmitterRights.Ordinary)).Status));
        var ledger = new List<Forms.AcceptedForm>();
        foreach (var code in slice) ledger.AddRange(await cluster.Probe.Ledger.ReadLatestUnderAsync(code));
        var recount = new Recount(Registry, ledger);
        // The province also holds the other case's forms: only the slice is compared.
        var nodes = Exactness.Nodes(Registry, slice).Where(n => slice.Any(n.Region.StartsWith) && recount.ExpectedDigest(n.Contest, n.Region) is not null).ToList();
        await Exactness.ConvergesAsync(nodes, recount, ReadAsync, TimeSpan.FromSeconds(90));
        var loaded = Weigh();
        output.WriteLine($"{races} race(s), {forms.Count} forms at {tps.Count} TPS: heap {before / 1e6:F1} MB before, {loaded / 1e6:F1} MB with every level active and the ledger's rows ({(loaded - before) / 1e6:F1} MB more)");

        var heap = loaded;
        foreach (var level in new[] { Level.Tps, Level.Village, Level.District, Level.Regency })
        {
            var grains = slice.SelectMany(code => Below(code, level)).Select(region => cluster.Grains.GetTallyGrain(region)).ToList();
            foreach (var grain in grains) await management.DeactivateGrain(grain.GetGrainId());
            await Eventually.HoldsAsync(async () =>
            {
                var active = 0;
                foreach (var grain in grains) active += await management.GetGrainActivationCount((GrainReference)grain);
                return (active == 0, $"{active} of {grains.Count} {level} grains still active");
            }, TimeSpan.FromSeconds(60), $"every {level} grain deactivated");
            var after = Weigh();
            output.WriteLine($"{level}: {grains.Count} activations, {(heap - after) / 1e6:F1} MB, {(heap - after) / (double)grains.Count:F0} bytes each");
            heap = after;
        }

        // Read back, every level activates afresh from the ledger and its children, exact.
        await Exactness.ConvergesAsync(nodes, recount, ReadAsync, TimeSpan.FromSeconds(90));
        output.WriteLine($"all of them active again after the reads: {(Weigh() - heap) / 1e6:F1} MB");
    }

    private static IEnumerable<RegionInfo> Below(string code, Level level)
    {
        var region = Registry.Get(code);
        if (region.Level == level) return [region];
        return region.Children.SelectMany(child => Below(child, level));
    }

    private async Task<Tallies.TallySnapshot> ReadAsync(string contest, string code) =>
        (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!;

    /// <summary>The live managed heap after full, compacting collections, twice so finalizers' leftovers go too.</summary>
    private static long Weigh()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
