using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// Invariant 1 on the national registry, over provinces whose races differ: DKI Jakarta votes only for its governor,
/// DI Yogyakarta only for regents and mayors, Kalimantan Utara for both. The root <c>0</c> is no grain and hears
/// nothing: every race ends at its scope.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster on the national registry
public class NationalSliceTests(NationalTreeCluster cluster) : IClassFixture<NationalTreeCluster>
{
    // Kepulauan Seribu (an administrative regency) and Jakarta Pusat, Kota Yogyakarta, and all of Kalimantan Utara.
    private static readonly string[] Slice = ["31.01", "31.71", "34.71", "65"];
    private static RegionRegistry Registry => Indonesia.Registry;

    [Fact]
    public async Task Forms_across_provinces_leave_every_node_exact_and_nothing_reports_above_a_province()
    {
        var sent = await new Workload(Registry, seed: 2711).RunAsync(cluster.Grains, Slice);

        PropagationTests.AssertOutcomesMatchTheirKind(sent);
        Assert.All(sent.Where(s => s.Form.Tps.StartsWith("31.")), s => Assert.Equal("PGUB-31", s.Form.Contest));
        Assert.All(sent.Where(s => s.Form.Tps.StartsWith("34.")), s => Assert.Equal("PWAL-34.71", s.Form.Contest));
        Assert.Equal(["PBUP-65.01", "PGUB-65"], sent.Where(s => s.Form.Tps.StartsWith("65.01.")).Select(s => s.Form.Contest).Distinct().Order());
        var ledger = new List<AcceptedForm>();
        foreach (var tps in Slice.SelectMany(Registry.TpsUnder)) ledger.AddRange(await cluster.Probe.Ledger.ReadTpsAsync(tps.Code));
        var nodes = Exactness.Nodes(Registry, Slice);
        // The slice's provinces carry only their governors' races, and Yogyakarta none.
        Assert.Equal(["PGUB-31/31", "PGUB-65/65"], nodes.Where(n => Registry.Get(n.Region).Level == Level.Province).Select(n => $"{n.Contest}/{n.Region}").Order());
        Assert.DoesNotContain(nodes, n => n.Region == RegionCode.NationCode);

        await Exactness.ConvergesAsync(nodes, new Recount(Registry, ledger),
            async (contest, code) => (await cluster.Grains.GetTallyGrain(Registry.Get(code)).GetTally(contest))!, TimeSpan.FromSeconds(90));

        Assert.True(cluster.Probe.ReportsSentFrom.GetValueOrDefault(Level.Regency) > 0, "no regency reported to its province");
        Assert.Equal(0, cluster.Probe.ReportsSentFrom.GetValueOrDefault(Level.Province));
        Assert.Empty(Registry.Root.Contests);
    }

    [Theory]
    [InlineData("34.71.01", "PGUB-34", "'PGUB-34' is not a contest")] // Yogyakarta elects no governor
    [InlineData("31.71.01", "PBUP-31.71", "'PBUP-31.71' is not a contest")] // Jakarta's cities elect nobody of their own
    [InlineData("31.01.01", "PBUP-31.01", "'PBUP-31.01' is not a contest")]
    [InlineData("65.02.01", "PBUP-65.01", "does not cover TPS")] // another regency's race
    public async Task A_form_for_a_race_that_does_not_cover_its_TPS_is_refused_and_stores_nothing(string district, string contest, string error)
    {
        var tps = Registry.TpsUnder(district).First();
        var form = SampleForms.Valid(tps, tps.Contests[0], new Random(7)) with { Contest = contest };

        var outcome = await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(form, "kpps", SubmitterRights.Ordinary);

        Assert.Equal(SubmitStatus.Invalid, outcome.Status);
        Assert.Contains(outcome.Errors!["contest"], message => message.Contains(error));
        Assert.DoesNotContain(await cluster.Probe.Ledger.ReadTpsAsync(tps.Code), row => row.Form.Contest == contest);
    }
}

/// <summary>
/// Certification bottom up to two provinces of the national registry (API.md, "Certification"): every district, then
/// every regency, then the province, each certificate holding exactly the ledger's forms.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class NationalCertificationTests(NationalTreeCluster cluster) : IClassFixture<NationalTreeCluster>
{
    private static RegionRegistry Registry => Indonesia.Registry;

    [Fact]
    public async Task Two_provinces_are_certified_bottom_up_each_with_the_tally_of_the_ledger()
    {
        // Kalimantan Utara and Papua Selatan, the two smallest provinces with a governor race.
        foreach (var (province, seed) in new[] { ("65", 1), ("93", 2) })
        {
            var contest = $"PGUB-{province}";
            var random = new Random(seed);
            var forms = Registry.TpsUnder(province).Select(tps => SampleForms.Valid(tps, Registry.FindContest(contest)!, random)).ToList();
            await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
                Assert.Equal(SubmitStatus.Accepted, (await cluster.Grains.GetGrain<ITpsGrain>(form.Tps).Submit(form, "kpps", SubmitterRights.Ordinary)).Status));

            var regencies = Registry.Get(province).Children.Select(Registry.Get).ToList();
            var districts = regencies.SelectMany(r => r.Children).Select(Registry.Get).ToList();
            await Parallel.ForEachAsync(districts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (district, _) =>
                Assert.Equal(CertificationStatus.Done, (await Certification(contest, district.Code).Certify($"ppk-{district.Code}")).Status));
            foreach (var regency in regencies)
                Assert.Equal(CertificationStatus.Done, (await Certification(contest, regency.Code).Certify($"kabkota-{regency.Code}")).Status);
            var outcome = await Certification(contest, province).Certify($"provinsi-{province}");

            Assert.Equal(CertificationStatus.Done, outcome.Status);
            var recount = new Recount(Registry, await cluster.Probe.Ledger.ReadLatestUnderAsync(province));
            Assert.True(outcome.Certificate!.Tally.Tally.SameCounts(recount.Expected(contest, province)), $"certified {outcome.Certificate.Tally.Tally}");
            Assert.Equal(Registry.Get(province).TpsCount, outcome.Certificate.Tally.Tally.TpsReported);
            Assert.Equal(recount.ExpectedDigest(contest, province), outcome.Certificate.Tally.Digest);
            await Eventually.HoldsAsync(async () =>
            {
                var shown = (await cluster.Grains.GetGrain<IProvinceGrain>(province).GetTally(contest))!.Certified;
                return (shown == outcome.Certificate.Seal, $"province {province} shows {shown}");
            }, TimeSpan.FromSeconds(30), "the province shows its certificate");
        }
        Assert.Equal(["65", "93"], (await cluster.Probe.Certificates.ReadAllAsync("PGUB-65"))
            .Concat(await cluster.Probe.Certificates.ReadAllAsync("PGUB-93"))
            .Where(c => Registry.Get(c.Region).Level == Level.Province).Select(c => c.Region).Order());
    }

    private ICertificationGrain Certification(string contest, string region) => cluster.Grains.GetCertificationGrain(contest, region);
}
