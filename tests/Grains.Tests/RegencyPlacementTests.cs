using System.Net;
using KpuOrleans.Placement;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace KpuOrleans.Grains.Tests;

/// <summary>DESIGN.md, "Placement": a regency's tree on one silo, the regencies spread, a dead silo's shared out.</summary>
public class RegencyPlacementTests(ITestOutputHelper output)
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(0, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 1000 + i))];
    private static RegionRegistry Registry => Indonesia.Registry;
    private readonly RegencyPlacementDirector _director = new();

    [Fact]
    public async Task Every_node_of_a_regency_is_placed_with_it_and_a_province_on_its_own()
    {
        var regency = Registry.Get("31.71");
        var expected = await PlaceAsync(regency.Code, Silos);
        var below = new[] { regency.Children[0], Registry.Get(regency.Children[0]).Children[0], Registry.TpsUnder(regency.Code).First().Code };
        foreach (var code in below) Assert.Equal(expected, await PlaceAsync(code, Silos));
        Assert.Contains(await PlaceAsync("31", Silos), Silos);
    }

    [Fact]
    public async Task The_country_spreads_over_three_silos_and_a_dead_silos_regencies_go_to_both_others_and_no_other_moves()
    {
        var regencies = Registry.Root.Children.SelectMany(p => Registry.Get(p).Children).Select(Registry.Get).ToList();
        var placed = new Dictionary<string, SiloAddress>();
        foreach (var regency in regencies) placed[regency.Code] = await PlaceAsync(regency.Code, Silos);
        var tpsShare = Silos.ToDictionary(s => s, s => regencies.Where(r => placed[r.Code] == s).Sum(r => (long)r.TpsCount) / (double)Registry.Root.TpsCount);
        output.WriteLine($"TPS share per silo: {string.Join(", ", tpsShare.Values.Select(v => $"{v:P1}"))}");
        Assert.All(tpsShare.Values, share => Assert.True(share > 0, "a silo hosts no regency"));

        var survivors = Silos[1..];
        var moved = new Dictionary<string, SiloAddress>();
        foreach (var regency in regencies) moved[regency.Code] = await PlaceAsync(regency.Code, survivors);
        Assert.All(regencies.Where(r => placed[r.Code] != Silos[0]), r => Assert.Equal(placed[r.Code], moved[r.Code]));
        var orphans = regencies.Where(r => placed[r.Code] == Silos[0]).Select(r => moved[r.Code]).ToList();
        Assert.All(survivors, silo => Assert.Contains(silo, orphans));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_silo_hosts_regencies_whatever_their_generations(int silos)
    {
        // Silos' generations change at every start, and with them the ranking: look at many draws, print the spread.
        var busiest = new List<double>();
        foreach (var registry in new[] { Registry, Jatim.Registry })
        {
            var regencies = registry.Root.Children.SelectMany(p => registry.Get(p).Level == Level.Province ? registry.Get(p).Children : [p]).Select(registry.Get).ToList();
            busiest.Clear();
            for (var draw = 0; draw < 20; draw++)
            {
                SiloAddress[] members = [.. Enumerable.Range(0, silos).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 5000 + 100 * draw + i))];
                var tps = members.ToDictionary(s => s, _ => 0L);
                foreach (var regency in regencies) tps[await PlaceAsync(regency.Code, members)] += regency.TpsCount;
                Assert.All(tps.Values, count => Assert.True(count > 0, "a silo hosts no regency"));
                busiest.Add(tps.Values.Max() * silos / (double)registry.Root.TpsCount);
            }
            output.WriteLine($"{regencies.Count} regencies on {silos} silos: the busiest silo holds {busiest.Average():F2}× an even share of the TPS on average, {busiest.Max():F2}× at worst of 20 draws");
        }
    }

    private Task<SiloAddress> PlaceAsync(string code, SiloAddress[] silos) =>
        _director.OnAddActivation(RegencyPlacement.Instance, new PlacementTarget(GrainId.Create("tps", code), [], default, 0), new Members(silos));

    private sealed class Members(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = silos };
    }
}
