using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

/// <summary>The whole country's registry against the figures of its data's README.</summary>
public class NationalRegistryTests
{
    private static RegionRegistry Registry => Indonesia.Registry;

    private static IEnumerable<RegionInfo> Below(RegionInfo region) =>
        region.Children.Select(Registry.Get).SelectMany(child => Below(child).Prepend(child));

    [Fact]
    public void Loads_the_country_under_one_root_with_the_published_counts()
    {
        var root = Registry.Root;
        Assert.Equal((RegionCode.NationCode, Level.Nation, null), (root.Code, root.Level, root.Parent));
        var counts = Below(root).GroupBy(r => r.Level).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(38, counts[Level.Province]);
        Assert.Equal(514, counts[Level.Regency]);
        Assert.Equal(7_285, counts[Level.District]);
        Assert.Equal(83_762, counts[Level.Village]);
        Assert.Equal(435_296, counts[Level.Tps]);
        Assert.Equal(435_296, root.TpsCount);
        Assert.Equal(203_657_354, root.Registered);
        Assert.Equal(1 + 38 + 514 + 7_285 + 83_762 + 435_296, Registry.RegionCount);
        Assert.All(root.Children, code => Assert.Equal(RegionCode.NationCode, Registry.Get(code).Parent));
        Assert.Equal((73_862, 35_925_960L), (Registry.Get("32").TpsCount, Registry.Get("32").Registered));
        Assert.Equal((56_812, 28_427_616L), (Registry.Get("33").TpsCount, Registry.Get("33").Registered));
    }

    [Fact]
    public void Has_the_545_races_each_scoped_to_a_region_of_its_kind()
    {
        Assert.Equal(545, Registry.Contests.Count);
        Assert.Equal(37, Registry.Contests.Count(c => c.Kind == "governor"));
        Assert.Equal(415, Registry.Contests.Count(c => c.Kind == "regent"));
        Assert.Equal(93, Registry.Contests.Count(c => c.Kind == "mayor"));
        Assert.Equal(1_594, Registry.Contests.Sum(c => c.Candidates.Count));
        Assert.Equal(37, Registry.Contests.Sum(c => c.Candidates.Count(x => x.EmptyColumn)));
        foreach (var contest in Registry.Contests)
        {
            var scope = Registry.Get(contest.Scope);
            Assert.Equal(contest.Kind == "governor" ? Level.Province : Level.Regency, scope.Level);
            Assert.Equal(contest.Id, $"{(contest.Kind switch { "governor" => "PGUB", "regent" => "PBUP", _ => "PWAL" })}-{contest.Scope}");
        }
        Assert.Empty(Registry.Root.Contests);
    }

    [Fact]
    public void Yogyakarta_votes_only_for_regents_and_mayors_and_Jakarta_only_for_its_governor()
    {
        Assert.Null(Registry.FindContest("PGUB-34"));
        Assert.All(Registry.TpsUnder("34").Where((_, i) => i % 50 == 0),
            tps => Assert.Equal([tps.Code[..5]], tps.Contests.Select(c => c.Scope)));
        Assert.All(Registry.TpsUnder("31").Where((_, i) => i % 50 == 0),
            tps => Assert.Equal(["PGUB-31"], tps.Contests.Select(c => c.Id)));
        Assert.Equal(14_835, Registry.Get("31").TpsCount);
        Assert.Equal(5_978, Registry.Get("34").TpsCount);
    }

    [Fact]
    public void East_Java_is_the_same_as_in_the_province_only_registry()
    {
        var jatim = Jatim.Registry;
        foreach (var region in Below(jatim.Root).Prepend(jatim.Root))
        {
            var national = Registry.Get(region.Code);
            Assert.Equal((region.Level, region.Name, region.TpsCount, region.Registered), (national.Level, national.Name, national.TpsCount, national.Registered));
            Assert.Equal(region.Parent ?? RegionCode.NationCode, national.Parent);
            Assert.Equal(region.Children, national.Children);
            Assert.Equal(region.Contests.Select(c => c.Id), national.Contests.Select(c => c.Id));
        }
        foreach (var contest in jatim.Contests)
        {
            var national = Registry.FindContest(contest.Id)!;
            Assert.Equal((contest.Kind, contest.Scope, contest.Name), (national.Kind, national.Scope, national.Name));
            Assert.Equal(contest.Candidates, national.Candidates);
        }
    }
}
