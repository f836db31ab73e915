using System.Net;
using KpuOrleans.Placement;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace KpuOrleans.Grains.Tests;

/// <summary>DESIGN.md, "Placement": a district's tree on one silo, the districts spread, a dead silo's shared out.</summary>
public class DistrictPlacementTests(ITestOutputHelper output)
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(0, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 1000 + i))];
    private static RegionRegistry Registry => Indonesia.Registry;
    private readonly DistrictPlacementDirector _director = new();

    [Fact]
    public async Task Every_node_of_a_district_is_placed_with_it_and_a_regency_or_province_on_its_own()
    {
        var district = Registry.Get("31.71.01");
        var expected = await PlaceAsync(district.Code, Silos);
        var below = new[] { district.Children[0], Registry.TpsUnder(district.Code).First().Code, Registry.TpsUnder(district.Code).Last().Code };
        foreach (var code in below) Assert.Equal(expected, await PlaceAsync(code, Silos));
        // Jakarta's districts land on every silo: a district's silo is its own, not its regency's.
        var districts = Registry.Get("31").Children.SelectMany(r => Registry.Get(r).Children).ToList();
        Assert.Equal(Silos.Length, (await Task.WhenAll(districts.Select(d => PlaceAsync(d, Silos)))).Distinct().Count());
        Assert.Contains(await PlaceAsync("31.71", Silos), Silos);
        Assert.Contains(await PlaceAsync("31", Silos), Silos);
    }

    [Fact]
    public async Task The_country_spreads_over_three_silos_and_a_dead_silos_districts_go_to_both_others_and_no_other_moves()
    {
        var districts = Registry.Root.Children.SelectMany(p => Registry.Get(p).Children).SelectMany(r => Registry.Get(r).Children).Select(Registry.Get).ToList();
        var placed = new Dictionary<string, SiloAddress>();
        foreach (var district in districts) placed[district.Code] = await PlaceAsync(district.Code, Silos);
        var tpsShare = Silos.ToDictionary(s => s, s => districts.Where(r => placed[r.Code] == s).Sum(r => (long)r.TpsCount) / (double)Registry.Root.TpsCount);
        output.WriteLine($"TPS share per silo: {string.Join(", ", tpsShare.Values.Select(v => $"{v:P1}"))}");
        Assert.All(tpsShare.Values, share => Assert.True(share > 0, "a silo hosts no district"));

        var survivors = Silos[1..];
        var moved = new Dictionary<string, SiloAddress>();
        foreach (var district in districts) moved[district.Code] = await PlaceAsync(district.Code, survivors);
        Assert.All(districts.Where(r => placed[r.Code] != Silos[0]), r => Assert.Equal(placed[r.Code], moved[r.Code]));
        var orphans = districts.Where(r => placed[r.Code] == Silos[0]).Select(r => moved[r.Code]).ToList();
        Assert.All(survivors, silo => Assert.Contains(silo, orphans));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_silo_hosts_districts_whatever_their_generations(int silos)
    {
        // Silos' generations change at every start, and with them the ranking: look at many draws, print the spread.
        var busiest = new List<double>();
        foreach (var registry in new[] { Registry, Jatim.Registry })
        {
            var districts = registry.Root.Children.SelectMany(p => registry.Get(p).Level == Level.Province ? registry.Get(p).Children : [p])
                .SelectMany(r => registry.Get(r).Children).Select(registry.Get).ToList();
            busiest.Clear();
            for (var draw = 0; draw < 20; draw++)
            {
                SiloAddress[] members = [.. Enumerable.Range(0, silos).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 5000 + 100 * draw + i))];
                var tps = members.ToDictionary(s => s, _ => 0L);
                foreach (var district in districts) tps[await PlaceAsync(district.Code, members)] += district.TpsCount;
                Assert.All(tps.Values, count => Assert.True(count > 0, "a silo hosts no district"));
                busiest.Add(tps.Values.Max() * silos / (double)registry.Root.TpsCount);
            }
            output.WriteLine($"{districts.Count} districts on {silos} silos: the busiest silo holds {busiest.Average():F2}× an even share of the TPS on average, {busiest.Max():F2}× at worst of 20 draws");
        }
    }

    private Task<SiloAddress> PlaceAsync(string code, SiloAddress[] silos) =>
        _director.OnAddActivation(DistrictPlacement.Instance, new PlacementTarget(GrainId.Create("tps", code), [], default, 0), new Members(silos));

    private sealed class Members(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = silos };
    }
}
