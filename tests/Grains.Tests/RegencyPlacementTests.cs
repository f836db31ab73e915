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
