using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace KpuOrleans.Grains.Tests;

/// <summary>The region code as a value: its shape, its level, and ancestry decided on whole segments.</summary>
public class RegionCodeTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    [Theory]
    [InlineData("35", Level.Province)]
    [InlineData("35.78", Level.Regency)]
    [InlineData("35.78.01", Level.District)]
    [InlineData("35.78.01.1001", Level.Village)]
    [InlineData("35.78.01.1001.001", Level.Tps)]
    public void Parses_each_level_of_the_tree(string text, Level level)
    {
        var code = RegionCode.Parse(text);

        Assert.Equal(level, code.Level);
        Assert.Equal(text, code.Value);
        Assert.Equal(text, code.ToString());
        Assert.True(RegionCode.TryParse(text, out var again));
        Assert.Equal(code, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("355")]
    [InlineData("35.7")]
    [InlineData("35.780")]
    [InlineData("35.78.1")]
    [InlineData("35.78.01.101")]
    [InlineData("35.78.01.1001.01")]
    [InlineData("35.78.01.1001.0001")]
    [InlineData("35.78.01.1001.001.1")]
    [InlineData("35.78.01.1001.")]
    [InlineData(".35.78")]
    [InlineData("35..78")]
    [InlineData("35-78")]
    [InlineData("35.7a")]
    [InlineData("35.78.01.1001 001")]
    [InlineData("٣٥.78")]
    [InlineData(" 35")]
    public void Refuses_anything_but_the_dotted_digit_shape(string text)
    {
        Assert.False(RegionCode.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => RegionCode.Parse(text));
        Assert.Contains("2.2.2.4.3", error.Message);
    }

    [Fact]
    public void Refuses_null()
    {
        Assert.False(RegionCode.TryParse(null, out _));
    }

    [Fact]
    public void The_parent_chain_of_a_TPS_climbs_to_the_province_and_stops()
    {
        var chain = new List<string>();
        for (RegionCode? code = RegionCode.Parse("35.78.01.1001.001"); code is { } current; code = current.Parent)
            chain.Add(current.Value);

        Assert.Equal(["35.78.01.1001.001", "35.78.01.1001", "35.78.01", "35.78", "35"], chain);
        Assert.Null(RegionCode.Parse("35").Parent);
    }

    [Fact]
    public void Every_region_of_the_registry_parses_at_its_level_with_the_registry_parent()
    {
        foreach (var region in AllRegions())
        {
            var code = RegionCode.Parse(region.Code);
            Assert.Equal(region.Level, code.Level);
            Assert.Equal(region.Parent, code.Parent?.Value);
        }
    }

    [Theory]
    [InlineData(Level.Province, "35")]
    [InlineData(Level.Regency, "35.78")]
    [InlineData(Level.District, "35.78.01")]
    [InlineData(Level.Village, "35.78.01.1001")]
    [InlineData(Level.Tps, "35.78.01.1001.001")]
    public void The_ancestor_at_a_level_is_the_code_cut_at_that_level(Level level, string ancestor)
    {
        Assert.Equal(ancestor, RegionCode.Parse("35.78.01.1001.001").AncestorAt(level).Value);
    }

    [Fact]
    public void A_code_has_no_ancestor_below_itself()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RegionCode.Parse("35.78").AncestorAt(Level.District));
        Assert.Contains("35.78", error.Message);
    }

    [Theory]
    [InlineData("35.78.01.1001.001", "35.78.01.1001.001", true)]
    [InlineData("35.78.01.1001.001", "35.78.01.1001", true)]
    [InlineData("35.78.01.1001.001", "35.78", true)]
    [InlineData("35.78.01.1001.001", "35", true)]
    [InlineData("35.78", "35.78.01", false)]
    [InlineData("35.78.01.1001", "35.78.01.1001.001", false)]
    [InlineData("35.78.01.1001.001", "35.78.01.1002", false)]
    [InlineData("35.08.01", "35.78", false)]
    public void Is_within_itself_and_its_ancestors_only(string code, string ancestor, bool within)
    {
        Assert.Equal(within, RegionCode.Parse(code).IsWithin(RegionCode.Parse(ancestor)));
    }

    [Theory]
    [InlineData("35.78.01.1001.001", "35.78.01.10")]
    [InlineData("35.78.01.1001.001", "35.78.01.100")]
    [InlineData("35.78.01.1001.001", "35.78.01.1001.0")]
    [InlineData("35.78.01", "35.7")]
    [InlineData("35.78", "3")]
    public void A_string_prefix_that_ends_inside_a_segment_is_no_ancestor(string code, string prefix)
    {
        // The trap of slicing by hand: each of these starts the code, and none is a region holding it.
        Assert.StartsWith(prefix, code);
        Assert.False(RegionCode.TryParse(prefix, out _));
        Assert.DoesNotContain(prefix, AncestorsOf(RegionCode.Parse(code)));
    }

    [Fact]
    public void Within_agrees_with_the_registry_tree()
    {
        var districts = AllRegions().Where(r => r.Level is Level.Regency or Level.District).Select(r => r.Code).ToList();
        foreach (var tps in Registry.TpsUnder("35").Where((_, i) => i % 211 == 0))
        {
            var ancestors = new HashSet<string>(StringComparer.Ordinal);
            for (var up = tps.Parent; up is not null; up = Registry.Get(up).Parent) ancestors.Add(up);
            var code = RegionCode.Parse(tps.Code);
            foreach (var region in districts)
                Assert.Equal(ancestors.Contains(region), code.IsWithin(RegionCode.Parse(region)));
        }
    }

    [Fact]
    public void The_keys_below_a_region_hold_exactly_its_TPS_in_ordinal_order()
    {
        var tps = AllRegions().Where(r => r.Level == Level.Tps).Select(r => r.Code).ToList();
        var sample = AllRegions().Where(r => r.Level < Level.Tps).Where((r, i) => r.Level <= Level.Regency || i % 41 == 0).ToList();
        Assert.Contains(sample, r => r.Level == Level.Village);
        foreach (var region in sample)
        {
            var (from, to) = RegionCode.Parse(region.Code).KeysBelow;
            var inRange = tps.Where(code => string.CompareOrdinal(code, from) >= 0 && string.CompareOrdinal(code, to) < 0);
            Assert.Equal(Registry.TpsUnder(region.Code).Select(t => t.Code).Order(StringComparer.Ordinal), inRange.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_region_is_not_among_the_keys_below_itself()
    {
        var (from, to) = RegionCode.Parse("35.78.01.1001.001").KeysBelow;
        Assert.True(string.CompareOrdinal("35.78.01.1001.001", from) < 0);
        Assert.True(string.CompareOrdinal("35.78.01.1001.002", to) > 0);
    }

    [Fact]
    public void Crosses_a_grain_call_unchanged()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var code = RegionCode.Parse("35.78.01.1001.001");

        var copy = serializer.Deserialize<RegionCode>(serializer.SerializeToArray(code));

        Assert.Equal(code, copy);
        Assert.Equal(Level.Tps, copy.Level);
    }

    private static IEnumerable<string> AncestorsOf(RegionCode code)
    {
        for (var up = code.Parent; up is { } region; up = region.Parent) yield return region.Value;
    }

    private static IEnumerable<RegionInfo> AllRegions()
    {
        var pending = new Stack<RegionInfo>([Registry.Root]);
        while (pending.TryPop(out var region))
        {
            yield return region;
            foreach (var child in region.Children) pending.Push(Registry.Get(child));
        }
    }
}
