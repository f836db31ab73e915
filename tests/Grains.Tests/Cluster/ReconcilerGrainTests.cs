using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Reconciliation;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// DESIGN.md invariant 4, one pass at a time: the reconciler wakes a node that lags the ledger (a report a crash
/// swallowed) and rebuilds one ahead of it (rows a failover lost). Its timer is off; the tests call the passes.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster
public class ReconcilerGrainTests(QuietReconcilerCluster cluster) : IClassFixture<QuietReconcilerCluster>
{
    private const string Contest = "PGUB-35";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static RegionRegistry Registry => Jatim.Registry;

    private IReconcilerGrain Reconciler => cluster.Grains.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key);

    [Fact]
    public async Task A_form_in_the_ledger_that_no_node_heard_of_is_counted_at_the_second_pass_and_reaches_the_province()
    {
        var village = Registry.Get("35.77.01.1001");
        var tps = Registry.Get(village.Children[0]);
        // The tree is awake and exact before the row lands, so only a report could tell it: none will come.
        await AssertPathConvergesAsync(village);
        await cluster.Probe.Ledger.AppendAsync(new AcceptedForm(
            SampleForms.Valid(tps, Registry.FindContest(Contest)!, new Random(41)), DateTimeOffset.UtcNow, "crashed-before-reporting", []));
        Assert.Equal(0, (await cluster.Grains.GetTallyGrain(village).GetTally(Contest))!.Tally.TpsReported);

        // The first pass only learns what the ledger holds: a node may lag it for a moment while a form climbs.
        var first = await Reconciler.RunPass();
        Assert.DoesNotContain($"{Contest}/{village.Code}", first);
        var second = await Reconciler.RunPass();

        Assert.Contains($"{Contest}/{village.Code}", second);
        await AssertPathConvergesAsync(village);
        Assert.Equal(1, (await cluster.Grains.GetTallyGrain(village).GetTally(Contest))!.Tally.TpsReported);
    }

    [Fact]
    public async Task A_village_holding_a_version_the_ledger_lost_is_rebuilt_down_to_the_ledger_and_so_is_everything_above_it()
    {
        var village = Registry.Get("35.77.02.1001");
        var tps = Registry.Get(village.Children[0]);
        var v1 = SampleForms.Valid(tps, Registry.FindContest(Contest)!, new Random(42));
        Assert.Equal(SubmitStatus.Accepted, (await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(v1, "reconciler-test", SubmitterRights.Ordinary)).Status);
        await AssertPathConvergesAsync(village);

        // What a village holds after the ledger lost v2..v4 of this TPS in a failover; its flush passes it up.
        var lost = new TallySnapshot(Contest, tps.Code, new Tally(4, [50, 60, 70], 180, 10, 190, tps.Registered, 1, 0), DateTimeOffset.UtcNow, "lost");
        await cluster.Grains.GetRegionGrain(village).Report([lost]);
        await Eventually.HoldsAsync(async () =>
        {
            var province = (await cluster.Grains.GetRegionGrain(Registry.Root).GetTally(Contest))!.Tally.Version;
            var expected = (await RecountAsync(Registry.Root.Code)).Expected(Contest, Registry.Root.Code).Version;
            return (province == expected + 3, $"province v{province}, ledger v{expected}");
        }, Within, "the lost versions reach the province");

        // A node is proven ahead only by what it showed at an earlier pass: it takes a pass or two to see it.
        var healed = new List<string>();
        await Eventually.HoldsAsync(async () =>
        {
            healed.AddRange(await Reconciler.RunPass());
            return (healed.Contains($"{Contest}/{village.Code} (rebuilt: ahead of the ledger)"), string.Join(", ", healed));
        }, Within, "a pass rebuilds the village");

        await AssertPathConvergesAsync(village);
        Assert.Equal(1, (await cluster.Grains.GetTallyGrain(village).GetTally(Contest))!.Tally.Version);
    }

    [Fact]
    public async Task A_pass_over_an_exact_tree_heals_nothing()
    {
        var village = Registry.Get("35.77.03.1001");
        var tps = Registry.Get(village.Children[0]);
        var v1 = SampleForms.Valid(tps, Registry.FindContest(Contest)!, new Random(43));
        Assert.Equal(SubmitStatus.Accepted, (await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(v1, "reconciler-test", SubmitterRights.Ordinary)).Status);
        await AssertPathConvergesAsync(village);
        // A pass over the exact tree: what it sees is what the next passes compare with.
        await Reconciler.RunPass();
        await AssertPathConvergesAsync(village);

        Assert.Empty(await Reconciler.RunPass());
        Assert.Empty(await Reconciler.RunPass());
    }

    [Fact]
    public async Task A_photo_recorded_but_told_to_no_one_clears_its_flag_at_the_second_pass_up_to_the_province()
    {
        var village = Registry.Get(Registry.TpsUnder("35.76").First().Parent!);
        var tps = Registry.Get(village.Children[0]);
        var page = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("reconciled page"u8));
        var outcome = await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(
            SampleForms.Valid(tps, Registry.FindContest(Contest)!, new Random(43)) with { Photos = [page] }, "kpps", SubmitterRights.Ordinary);
        Assert.Equal(SubmitStatus.Accepted, outcome.Status);
        await AssertPathConvergesAsync(village);
        Assert.Equal(1, (await cluster.Grains.GetTallyGrain(village).GetTally(Contest))!.Tally.PhotoMissing);

        // Recorded, and then the silo that was to tell the TPS died: no one will tell the tree.
        await cluster.Probe.Ledger.RecordAsync(new PhotoRecord(page, "image/png", 100, 10, 10, DateTimeOffset.UtcNow));
        var first = await Reconciler.RunPass();
        Assert.DoesNotContain(first, healed => healed.Contains("(evidence)"));
        var second = await Reconciler.RunPass();

        Assert.Contains($"{Contest}/{village.Code} (evidence)", second);
        await AssertPathConvergesAsync(village);
        Assert.Equal(0, (await cluster.Grains.GetTallyGrain(Registry.Root).GetTally(Contest))!.Tally.PhotoMissing);
    }

    /// <summary>The recount of the ledger below a region, each form with its evidence as the store says.</summary>
    private async Task<Recount> RecountAsync(string region)
    {
        var forms = await cluster.Probe.Ledger.ReadLatestUnderAsync(region);
        var stored = await cluster.Probe.Ledger.StoredAsync([.. forms.SelectMany(f => f.Form.Pages)]);
        return new(Registry, forms, form => FormEvidence.Of(form, stored, DisputeCounts.None));
    }

    /// <summary>The village and every region above it, each against a recount of the ledger below it.</summary>
    private async Task AssertPathConvergesAsync(RegionInfo village)
    {
        for (var region = village; region is not null; region = region.Parent is null ? null : Registry.Get(region.Parent))
        {
            var code = region.Code;
            await Eventually.HoldsAsync(async () =>
            {
                var mismatches = await Exactness.MismatchesAsync([(Contest, code)], await RecountAsync(code), ReadAsync);
                return (mismatches.Count == 0, string.Join(" | ", mismatches));
            }, Within, $"{code} equals the recount");
        }
    }

    private async Task<TallySnapshot> ReadAsync(string contest, string code) =>
        (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!;
}
