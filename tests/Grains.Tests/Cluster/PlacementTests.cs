using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// DESIGN.md, "Placement": on three silos, the share of the tree's reports that cross silos, and how the activations
/// spread over the silos. Prints the figures; asserts exactness and that every silo hosts part of the tree.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a three-silo test cluster
public class PlacementTests(LocalityTreeCluster cluster, ITestOutputHelper output) : IClassFixture<LocalityTreeCluster>
{
    // Six whole regencies, about 2,600 TPS: Batu, Mojokerto, Probolinggo, Blitar, Kediri and Madiun (cities).
    private static readonly string[] Slice = ["35.79", "35.76", "35.74", "35.72", "35.71", "35.77"];
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task Reports_up_the_tree_and_their_crossings_between_silos()
    {
        var sent = await new Workload(Registry, seed: 3).RunAsync(cluster.Grains, Slice);
        PropagationTests.AssertOutcomesMatchTheirKind(sent);
        var ledger = new List<Forms.AcceptedForm>();
        foreach (var code in Slice) ledger.AddRange(await cluster.Probe.Ledger.ReadLatestUnderAsync(code));
        await Exactness.ConvergesAsync(Exactness.Nodes(Registry, Slice), new Recount(Registry, ledger),
            async (contest, code) => (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!, TimeSpan.FromSeconds(60));

        var strategy = ((InProcessSiloHandle)cluster.Silos.Primary!).SiloHost.Services.GetService<PlacementStrategy>();
        var collection = ((InProcessSiloHandle)cluster.Silos.Primary!).SiloHost.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions>>().Value;
        output.WriteLine($"default placement strategy: {strategy?.GetType().Name ?? "none"}; collection age {collection.CollectionAge}, quantum {collection.CollectionQuantum}, "
            + $"per class {string.Join(", ", collection.ClassSpecificCollectionAge.Select(c => $"{c.Key.Split('.').Last()} {c.Value}"))}");
        foreach (var (callee, (local, remote)) in cluster.Locality.Reports.OrderBy(r => r.Key))
            output.WriteLine($"reports to {callee}: {local + remote}, {100.0 * remote / (local + remote):F0}% crossed silos");
        var all = cluster.Locality.Reports.Values.Aggregate((Local: 0, Remote: 0), (a, n) => (a.Local + n.Local, a.Remote + n.Remote));
        output.WriteLine($"all reports: {all.Local + all.Remote}, {100.0 * all.Remote / (all.Local + all.Remote):F0}% crossed silos");

        var statistics = await cluster.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var tree = statistics.Where(s => s.GrainType.Contains("TpsGrain") || s.GrainType.Contains("VillageGrain") || s.GrainType.Contains("DistrictGrain")).ToList();
        foreach (var silo in tree.GroupBy(s => s.SiloAddress))
            output.WriteLine($"silo {silo.Key}: {string.Join(", ", silo.OrderBy(s => s.GrainType).Select(s => $"{s.ActivationCount} {s.GrainType.Split(',')[0].Split('.').Last()}"))}");

        Assert.True(all.Local + all.Remote > 0, "no report was counted");
        Assert.Equal(3, tree.Select(s => s.SiloAddress).Distinct().Count());
    }
}
