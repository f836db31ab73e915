using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

public class RegistryTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public void Loads_all_of_East_Java_with_the_published_totals()
    {
        Assert.Equal(Level.Province, Registry.Root.Level);
        Assert.Equal(38, Registry.Root.Children.Count);
        Assert.Equal(60_751, Registry.Root.TpsCount);
        Assert.Equal(31_280_418, Registry.Root.Registered);
        Assert.Equal(2_229_224, Registry.Get("35.78").Registered);
        Assert.Equal(3_964, Registry.Get("35.78").TpsCount);
        Assert.Equal(1_348_925, Registry.Get("35.10").Registered);
        Assert.Equal(1 + 38 + 666 + 8_494 + 60_751, Registry.RegionCount);
    }

    [Fact]
    public void Every_TPS_votes_in_the_governor_race_and_its_own_regency_race()
    {
        foreach (var tps in Registry.TpsUnder("35").Where((_, i) => i % 97 == 0))
        {
            Assert.Equal(2, tps.Contests.Count);
            Assert.Equal("PGUB-35", tps.Contests[0].Id);
            Assert.Equal(tps.Code[..5], tps.Contests[1].Scope);
        }
        Assert.Equal(["PGUB-35"], Registry.Root.Contests.Select(c => c.Id));
    }

    [Fact]
    public void Contests_are_the_39_real_races_with_empty_columns_as_ballot_entries()
    {
        Assert.Equal(39, Registry.Contests.Count);
        Assert.Equal("PGUB-35", Registry.Contests[0].Id);
        Assert.Equal(["1", "2", "3"], Registry.Contests[0].Candidates.Select(c => c.Number));
        var surabaya = Registry.FindContest("PWAL-35.78")!;
        Assert.Equal("mayor", surabaya.Kind);
        Assert.Contains(surabaya.Candidates, c => c.EmptyColumn);
        Assert.Equal(5, Registry.Contests.Count(c => c.Candidates.Any(x => x.EmptyColumn)));
        Assert.Equal(89, Registry.Contests.Sum(c => c.Candidates.Count));
    }

    [Fact]
    public void Children_are_in_code_order_and_names_keep_the_source_spelling()
    {
        var village = Registry.Get("35.78.01.1001");
        Assert.Equal(village.Children.Order(StringComparer.Ordinal), village.Children);
        Assert.Equal("TPS 001", Registry.Get(village.Children[0]).Name);
        Assert.Equal("Ra\"as", Registry.Get("35.29.22").Name);
    }

    [Fact]
    public void Another_province_of_the_same_shape_loads_without_code_changes()
    {
        var folder = Directory.CreateTempSubdirectory("kpu-registry-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "regions.csv"),
                "level,code,parent_code,name\nprovince,11,,Aceh\nregency,11.01,11,\"Kabupaten Aceh Selatan, Test\"\n" +
                "district,11.01.01,11.01,Bakongan\nvillage,11.01.01.2001,11.01.01,Keude Bakongan\n");
            File.WriteAllText(Path.Combine(folder, "tps.csv"),
                "tps_code,village_code,dpt\n11.01.01.2001.001,11.01.01.2001,250\n11.01.01.2001.002,11.01.01.2001,300\n");
            File.WriteAllText(Path.Combine(folder, "contests.csv"),
                "contest_id,kind,scope,ballot_number,names,empty_column,source_url,note\n" +
                "PGUB-11,governor,11,2,B,false,,\nPGUB-11,governor,11,1,A,false,,\nPBUP-11.01,regent,11.01,1,C,false,,\"note, with comma\"\n");
            var registry = RegionRegistry.Load(new RegistryFiles(
                Path.Combine(folder, "regions.csv"), Path.Combine(folder, "tps.csv"), Path.Combine(folder, "contests.csv")));

            Assert.Equal(550, registry.Root.Registered);
            Assert.Equal("Kabupaten Aceh Selatan, Test", registry.Get("11.01").Name);
            Assert.Equal(["1", "2"], registry.FindContest("PGUB-11")!.Candidates.Select(c => c.Number));
            Assert.Equal(["PGUB-11", "PBUP-11.01"], registry.Get("11.01.01.2001.002").Contests.Select(c => c.Id));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_TPS_naming_a_missing_village_is_refused_with_its_line()
    {
        var folder = Directory.CreateTempSubdirectory("kpu-registry-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "r.csv"), "level,code,parent_code,name\nprovince,11,,Aceh\n");
            File.WriteAllText(Path.Combine(folder, "t.csv"), "tps_code,village_code,dpt\n11.01.01.2001.001,11.01.01.2001,250\n");
            File.WriteAllText(Path.Combine(folder, "c.csv"), "contest_id,kind,scope,ballot_number,names,empty_column,source_url,note\n");
            var error = Assert.Throws<InvalidDataException>(() => RegionRegistry.Load(new RegistryFiles(
                Path.Combine(folder, "r.csv"), Path.Combine(folder, "t.csv"), Path.Combine(folder, "c.csv"))));
            Assert.Contains("line 2", error.Message);
            Assert.Contains("11.01.01.2001", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("province,11,,Aceh\nregency,11.1,11,Kabupaten Test\n", "tps_code,village_code,dpt\n", "line 3", "'11.1' is not a regency code")]
    [InlineData("province,11,,Aceh\nregency,11.01.01,11,Kabupaten Test\n", "tps_code,village_code,dpt\n", "line 3", "'11.01.01' is not a regency code")]
    [InlineData("province,11,,Aceh\nregency,11.01,11,K\ndistrict,11.01.01,11.01,D\nvillage,11.01.01.2001,11.01.01,V\n",
        "tps_code,village_code,dpt\n11.01.01.2001.1,11.01.01.2001,250\n", "line 2", "TPS code '11.01.01.2001.1'")]
    public void A_code_not_of_its_level_s_shape_is_refused_with_its_line(string regions, string tps, string line, string message)
    {
        var folder = Directory.CreateTempSubdirectory("kpu-registry-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "r.csv"), "level,code,parent_code,name\n" + regions);
            File.WriteAllText(Path.Combine(folder, "t.csv"), tps);
            File.WriteAllText(Path.Combine(folder, "c.csv"), "contest_id,kind,scope,ballot_number,names,empty_column,source_url,note\n");
            var error = Assert.Throws<InvalidDataException>(() => RegionRegistry.Load(new RegistryFiles(
                Path.Combine(folder, "r.csv"), Path.Combine(folder, "t.csv"), Path.Combine(folder, "c.csv"))));
            Assert.Contains(line, error.Message);
            Assert.Contains(message, error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
