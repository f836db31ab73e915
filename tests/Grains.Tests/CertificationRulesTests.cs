using KpuOrleans.Certification;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

/// <summary>API.md's "Certification" rules as the grains and the gateway all read them.</summary>
public class CertificationRulesTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    [Theory]
    [InlineData("PGUB-35", "35", true)]
    [InlineData("PGUB-35", "35.78", true)]
    [InlineData("PGUB-35", "35.78.01", true)]
    [InlineData("PGUB-35", "35.78.01.1001", false)]
    [InlineData("PGUB-35", "35.78.01.1001.001", false)]
    [InlineData("PWAL-35.78", "35.78.01", true)]
    [InlineData("PWAL-35.78", "35", false)]
    [InlineData("PWAL-35.78", "35.77.01", false)]
    [InlineData("PGUB-35", "35.99", false)]
    public void Only_districts_regencies_and_the_province_are_certified_and_only_in_contests_that_cover_them(string contest, string code, bool certifiable) =>
        Assert.Equal(certifiable, CertificationRules.Certifiable(Registry, contest, code) is not null);

    [Theory]
    [InlineData("35.78.01", "35.78.01", true, true)]
    [InlineData("35.78", "35.78.01", false, true)]
    [InlineData("35", "35.78.01", false, true)]
    [InlineData("35.78.02", "35.78.01", false, false)]
    [InlineData("35.77", "35.78.01", false, false)]
    [InlineData("35.78.01", "35.78", false, false)]
    [InlineData("35.7", "35.78", false, false)]
    public void An_officer_signs_their_own_region_and_withdraws_it_or_one_below(string scope, string region, bool signs, bool withdraws)
    {
        Assert.Equal(signs, CertificationRules.MaySign(scope, Registry.Get(region)));
        Assert.Equal(withdraws, CertificationRules.MayWithdraw(scope, Registry.Get(region)));
    }

    [Fact]
    public void A_TPS_is_frozen_by_its_district_and_only_its_corrections_are()
    {
        var tps = Registry.Get("35.78.01.1001.001");
        var first = SampleForms.Valid(tps, Registry.FindContest("PGUB-35")!, new Random(1));

        Assert.Equal("35.78.01", CertificationRules.FreezingRegion(tps, Registry));
        Assert.False(CertificationRules.IsHeldBackByFreeze(first));
        Assert.True(CertificationRules.IsHeldBackByFreeze(first with { Version = 2 }));
    }

    [Fact]
    public void A_district_certifies_its_forms_and_a_regency_its_districts_in_the_contests_that_reach_them()
    {
        var district = Registry.Get("35.78.01");
        var regency = Registry.Get("35.78");

        Assert.True(CertificationRules.CertifiesForms(district));
        Assert.Empty(CertificationRules.ChildrenToCertifyFirst(district, "PGUB-35", Registry));
        Assert.Equal(regency.Children, CertificationRules.ChildrenToCertifyFirst(regency, "PWAL-35.78", Registry));
        // The province's governor race needs every regency; a regent's race ends at its regency.
        Assert.Equal(38, CertificationRules.ChildrenToCertifyFirst(Registry.Root, "PGUB-35", Registry).Count());
        Assert.Equal(regency, CertificationRules.CertifyingParent(district, "PWAL-35.78", Registry));
        Assert.Equal(Registry.Root, CertificationRules.CertifyingParent(regency, "PGUB-35", Registry));
        Assert.Null(CertificationRules.CertifyingParent(regency, "PWAL-35.78", Registry));
        Assert.Null(CertificationRules.CertifyingParent(Registry.Root, "PGUB-35", Registry));
    }

    [Fact]
    public void A_region_shows_its_own_certificate_and_above_a_district_its_childrens()
    {
        var regency = Registry.Get("35.78");

        Assert.Empty(CertificationRules.ShownAt(Registry.Get("35.78.01.1001")));
        Assert.Equal(new[] { "35.78.01" }, CertificationRules.ShownAt(Registry.Get("35.78.01")));
        Assert.Equal(regency.Children.Prepend(regency.Code), CertificationRules.ShownAt(regency));
    }
}
