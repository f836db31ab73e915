using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// DESIGN.md, "Memory": an idle TPS grain leaves memory after <c>Tps:CollectionAge</c> while its village stays, and
/// coming back costs it nothing of its exactness.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster
public class ActivationCollectionTests(CollectingTreeCluster cluster) : IClassFixture<CollectingTreeCluster>
{
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task An_idle_TPS_is_collected_before_its_village_and_reads_back_exact_and_takes_a_correction()
    {
        var village = Registry.Get("35.79.01.1001");
        var random = new Random(19);
        var forms = Registry.TpsUnder(village.Code).SelectMany(tps => tps.Contests.Select(c => SampleForms.Valid(tps, c, random))).ToList();
        foreach (var form in forms) Assert.Equal(SubmitStatus.Accepted, (await Submit(form)).Status);
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var tpsGrains = Registry.TpsUnder(village.Code).Select(tps => cluster.Grains.GetGrain<ITpsGrain>(tps.Code)).ToList();
        // The TPS that took the last form first: on a slow machine the earlier ones may already be past their age.
        Assert.True(await ActivationsAsync(management, tpsGrains.AsEnumerable().Reverse()) > 0, "the TPS grains were not active after their forms");

        await Eventually.HoldsAsync(async () =>
        {
            var left = await ActivationsAsync(management, tpsGrains);
            return (left == 0, $"{left} of {tpsGrains.Count} TPS grains still active");
        }, TimeSpan.FromSeconds(30), "idle TPS grains are collected");

        // The village (Orleans' default age) is still there: only the TPS were let go.
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)cluster.Grains.GetGrain<IVillageGrain>(village.Code)));
        await AssertExactAsync(village);

        // A correction to a collected TPS is judged against its ledger rows, as on the first activation.
        var first = forms[0];
        var tps = Registry.Get(first.Tps);
        var correction = SampleForms.Correction(first, tps, Registry.FindContest(first.Contest)!, random);
        Assert.Equal(SubmitStatus.Accepted, (await Submit(correction)).Status);
        Assert.Equal(SubmitStatus.Retry, (await Submit(first)).Status);
        await AssertExactAsync(village);
    }

    private Task<SubmitOutcome> Submit(ResultForm form) =>
        cluster.Grains.GetGrain<ITpsGrain>(form.Tps).Submit(form, "kpps", SubmitterRights.Ordinary);

    private static async Task<int> ActivationsAsync(IManagementGrain management, IEnumerable<ITpsGrain> grains)
    {
        var count = 0;
        foreach (var grain in grains) count += await management.GetGrainActivationCount((GrainReference)grain);
        return count;
    }

    private async Task AssertExactAsync(RegionInfo village)
    {
        var recount = new Recount(Registry, await cluster.Probe.Ledger.ReadLatestUnderAsync(village.Code));
        await Exactness.ConvergesAsync(Exactness.Nodes(Registry, [village.Code]).Where(n => n.Region.StartsWith(village.Code)).ToList(), recount,
            async (contest, code) => (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!, TimeSpan.FromSeconds(30));
    }
}
