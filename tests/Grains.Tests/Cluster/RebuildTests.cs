using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// A region holding more than the ledger (rows lost in a database failover) takes the ledger's lower version when
/// rebuilt, while ordinary reports keep DESIGN.md invariant 3: stale ones change nothing.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class RebuildTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    private const string Contest = "PGUB-35";
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task A_rebuild_replaces_a_contribution_with_the_ledgers_lower_version_and_stale_reports_stay_ignored()
    {
        var village = Registry.Get("35.73.02.1001");
        var tps = Registry.Get(village.Children[0]);
        var random = new Random(14);
        var v1 = SampleForms.Valid(tps, Registry.FindContest(Contest)!, random);
        var v2 = SampleForms.Correction(v1, tps, Registry.FindContest(Contest)!, random);
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(v1, "rebuild-test", SubmitterRights.Ordinary)).Status);
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(v2, "rebuild-test", SubmitterRights.Ordinary)).Status);
        var grain = cluster.Grains.GetGrain<IVillageGrain>(village.Code);
        await ConvergesAsync(village.Code);

        // What a village holds after the ledger lost v3..v5 of this TPS: a contribution the ledger does not have.
        var ahead = new TallySnapshot(Contest, tps.Code, new Tally(5, [50, 60, 70], 180, 10, 190, tps.Registered, 1, 0), DateTimeOffset.UtcNow, "lost");
        await grain.Report([ahead]);
        var villageAhead = (await grain.GetTally(Contest))!;
        Assert.Equal(5, villageAhead.Tally.Version);
        // ...which it passes on: the district holds it as well (sent here directly, whenever the village's flush runs).
        var district = cluster.Grains.GetGrain<IDistrictGrain>(village.Parent!);
        await district.Report([villageAhead]);

        Assert.True(await grain.Rebuild());
        await AssertExactAsync(village.Code);

        // Ordinary reports still apply only what is newer: a stale one, and the same one twice, change nothing.
        var stale = new TallySnapshot(Contest, tps.Code, new Tally(1, [1, 2, 3], 6, 0, 6, tps.Registered, 1, 0), DateTimeOffset.UtcNow, "stale");
        await grain.Report([stale]);
        await grain.Report([stale]);
        await AssertExactAsync(village.Code);
        Assert.False(await grain.Rebuild());

        // The district ignores the village's lower report that followed the rebuild: it rebuilds from the ledger too.
        Assert.Equal((await RecountAsync(village.Parent!)).Expected(Contest, village.Parent!).Version + 3, (await district.GetTally(Contest))!.Tally.Version);
        Assert.True(await district.Rebuild());
        await AssertExactAsync(village.Parent!);
    }

    [Fact]
    public async Task A_report_of_the_held_version_with_other_content_makes_the_region_rebuild_from_the_ledger()
    {
        var village = Registry.Get("35.73.03.1001");
        var tps = Registry.Get(village.Children[0]);
        var random = new Random(15);
        var v1 = SampleForms.Valid(tps, Registry.FindContest(Contest)!, random);
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(v1, "rebuild-test", SubmitterRights.Ordinary)).Status);
        await ConvergesAsync(village.Code);

        // The village took a v2 the ledger lost; the officer sends v2 again with other numbers, which is accepted now.
        var grain = cluster.Grains.GetGrain<IVillageGrain>(village.Code);
        await grain.Report([new TallySnapshot(Contest, tps.Code, new Tally(2, [50, 60, 70], 180, 10, 190, tps.Registered, 1, 0), DateTimeOffset.UtcNow, "lost")]);
        Assert.Equal(2, (await grain.GetTally(Contest))!.Tally.Version);
        var v2 = SampleForms.Correction(v1, tps, Registry.FindContest(Contest)!, random);
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(v2, "rebuild-test", SubmitterRights.Ordinary)).Status);

        // The TPS reports v2, the version the village holds: only the ledger can say which content is right.
        await ConvergesAsync(village.Code);
    }

    private ITpsGrain Tps(RegionInfo tps) => cluster.Grains.GetGrain<ITpsGrain>(tps.Code);

    private async Task<Recount> RecountAsync(string region) => new(Registry, await cluster.Probe.Ledger.ReadLatestUnderAsync(region));

    private async Task ConvergesAsync(string region) =>
        await Exactness.ConvergesAsync([(Contest, region)], await RecountAsync(region), ReadAsync, TimeSpan.FromSeconds(20));

    private async Task AssertExactAsync(string region)
    {
        var mismatches = await Exactness.MismatchesAsync([(Contest, region)], await RecountAsync(region), ReadAsync);
        Assert.Empty(mismatches);
    }

    private async Task<TallySnapshot> ReadAsync(string contest, string code) =>
        (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!;
}
