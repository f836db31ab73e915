using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>DESIGN.md invariants 1 and 3 on two real silos: exact at every level, whatever the order and repetition.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class PropagationTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    // Kota Batu, Kota Mojokerto and Kota Probolinggo: three whole regencies, about a thousand TPS.
    private static readonly string[] Slice = ["35.79", "35.76", "35.74"];
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task Concurrent_forms_retries_and_corrections_leave_every_node_exact()
    {
        var sent = await new Workload(Registry, seed: 2024).RunAsync(cluster.Grains, Slice);

        AssertOutcomesMatchTheirKind(sent);
        var accepted = sent.Where(s => s.Outcome.Status == SubmitStatus.Accepted).Select(s => s.Outcome.Form!).ToList();
        var ledger = await LedgerRowsAsync(cluster.Probe);
        Assert.Equal(accepted.Select(Key).Order(), ledger.Select(Key).Order());

        await Exactness.ConvergesAsync(Exactness.Nodes(Registry, Slice), new Recount(Registry, ledger), ReadAsync, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_report_not_newer_than_the_applied_one_changes_nothing()
    {
        var village = Registry.Get("35.73.01.1001");
        var tps = Registry.Get(village.Children[0]);
        var grain = cluster.Grains.GetGrain<IVillageGrain>(village.Code);
        var v2 = new Tally(2, [5, 6, 7], 18, 1, 19, tps.Registered, 1, 1);
        var v1 = new Tally(1, [50, 60, 70], 180, 10, 190, tps.Registered, 1, 0);

        await grain.Report([new TallySnapshot("PGUB-35", tps.Code, v2, DateTimeOffset.UtcNow)]);
        await grain.Report([new TallySnapshot("PGUB-35", tps.Code, v1, DateTimeOffset.UtcNow)]);
        var afterStale = (await grain.GetTally("PGUB-35"))!.Tally;
        await grain.Report([new TallySnapshot("PGUB-35", tps.Code, v2, DateTimeOffset.UtcNow)]);
        var afterDuplicate = (await grain.GetTally("PGUB-35"))!.Tally;

        Assert.True(afterStale.SameCounts(v2), $"after a stale report: {afterStale}");
        Assert.True(afterDuplicate.SameCounts(v2), $"after a duplicate report: {afterDuplicate}");
    }

    [Fact]
    public async Task A_report_from_a_region_that_is_not_a_child_is_ignored()
    {
        var grain = cluster.Grains.GetGrain<IVillageGrain>("35.73.02.1001");
        var stranger = new Tally(1, [5, 6, 7], 18, 1, 19, 300, 1, 0);
        await grain.Report([new TallySnapshot("PGUB-35", "35.78.01.1001.001", stranger, DateTimeOffset.UtcNow)]);
        Assert.Equal(0, (await grain.GetTally("PGUB-35"))!.Tally.TpsReported);
    }

    internal static void AssertOutcomesMatchTheirKind(List<Workload.Sent> sent)
    {
        Assert.All(sent.Where(s => s.Kind == "invalid"), s => Assert.Equal(SubmitStatus.Invalid, s.Outcome.Status));
        Assert.All(sent.Where(s => s.Kind == "conflict"), s => Assert.Equal(SubmitStatus.Conflict, s.Outcome.Status));
        Assert.All(sent.Where(s => s.Kind == "late-retry"), s => Assert.Equal(SubmitStatus.Retry, s.Outcome.Status));
        Assert.All(sent.Where(s => s.Kind == "correction"), s => Assert.Equal(SubmitStatus.Accepted, s.Outcome.Status));
        foreach (var firsts in sent.Where(s => s.Kind is "first" or "retry").GroupBy(s => (s.Form.Tps, s.Form.Contest)))
        {
            Assert.Single(firsts, s => s.Outcome.Status == SubmitStatus.Accepted);
            // A retry answers with the original acceptance, not a new one.
            Assert.Single(firsts.Select(s => s.Outcome.Form!.AcceptedAt).Distinct());
        }
        Assert.Contains(sent, s => s.Kind == "correction");
        Assert.Contains(sent, s => s.Kind == "conflict");
    }

    internal static async Task<List<AcceptedForm>> LedgerRowsAsync(ClusterProbe probe)
    {
        var rows = new List<AcceptedForm>();
        foreach (var tps in Slice.SelectMany(Registry.TpsUnder)) rows.AddRange(await probe.Ledger.ReadTpsAsync(tps.Code));
        return rows;
    }

    private static string Key(AcceptedForm form) => $"{form.Form.Tps}/{form.Form.Contest}/{form.Form.Version}";

    private async Task<TallySnapshot> ReadAsync(string contest, string code) =>
        (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!;
}

/// <summary>The same workload with every report possibly delivered twice, and stale reports arriving after newer ones.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class RedeliveryTests(ChaoticTreeCluster cluster) : IClassFixture<ChaoticTreeCluster>
{
    private static readonly string[] Slice = ["35.79", "35.76", "35.74"];

    [Fact]
    public async Task Duplicated_and_reordered_reports_leave_every_node_exact()
    {
        var sent = await new Workload(Jatim.Registry, seed: 1127).RunAsync(cluster.Grains, Slice);
        PropagationTests.AssertOutcomesMatchTheirKind(sent);
        var ledger = await PropagationTests.LedgerRowsAsync(cluster.Probe);

        await Exactness.ConvergesAsync(Exactness.Nodes(Jatim.Registry, Slice), new Recount(Jatim.Registry, ledger),
            async (contest, code) => (await cluster.Grains.GetTallyGrain(Jatim.Registry.Get(code)).GetTally(contest))!,
            TimeSpan.FromSeconds(60));

        Assert.True(cluster.Probe.Duplicates > 100, $"only {cluster.Probe.Duplicates} duplicate deliveries");
        Assert.True(cluster.Probe.StaleDeliveries > 100, $"only {cluster.Probe.StaleDeliveries} stale deliveries");
    }
}
