using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// API.md's "Certification" at the grain, on two real silos sharing one ledger, register and set of freezes: bottom
/// up, what a certificate holds, the freeze it puts on the forms below, and withdrawal top down. Each test has its
/// own districts, so the tests share the cluster without sharing a certificate.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster
public class CertificationGrainTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    private const string Governor = "PGUB-35";
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task A_district_with_every_form_in_is_certified_with_the_tally_and_digest_of_the_ledger_and_shows_it_above()
    {
        var district = Registry.Get("35.72.01");
        await SubmitEveryFormAsync(district, Governor, seed: 1);

        var outcome = await Certification(Governor, district).Certify("ppk-35.72.01");

        Assert.Equal(CertificationStatus.Done, outcome.Status);
        var certificate = outcome.Certificate!;
        var recount = await RecountAsync(district.Code);
        Assert.True(certificate.Tally.Tally.SameCounts(recount.Expected(Governor, district.Code)), $"certified {certificate.Tally.Tally}");
        Assert.Equal(district.TpsCount, certificate.Tally.Tally.TpsReported);
        Assert.Equal(recount.ExpectedDigest(Governor, district.Code), certificate.Tally.Digest);
        Assert.Equal("ppk-35.72.01", certificate.CertifiedBy);
        Assert.Null(certificate.Withdrawn);

        // Durable, in force, and shown on the district's tally and in its regency's list of children.
        AssertSame(certificate, Assert.Single(await cluster.Probe.Certificates.ReadAllAsync(Governor), c => c.Region == district.Code));
        Assert.Equal(certificate.Seal, await Certification(Governor, district).InForce());
        Assert.Equal(certificate.Seal, (await cluster.Grains.GetTallyGrain(district).GetTally(Governor))!.Certified);
        var children = await cluster.Grains.GetTallyGrain(Registry.Get(district.Parent!)).GetChildren(Governor);
        Assert.Equal(certificate.Seal, children.Single(c => c.Region == district.Code).Certified);
    }

    [Fact]
    public async Task Certifying_again_repeats_the_officers_own_certificate_and_refuses_anyone_elses()
    {
        var district = Registry.Get("35.72.02");
        await SubmitEveryFormAsync(district, Governor, seed: 2);
        var first = (await Certification(Governor, district).Certify("ppk-a")).Certificate!;

        var repeated = await Certification(Governor, district).Certify("ppk-a");
        var other = await Certification(Governor, district).Certify("ppk-b");

        Assert.Equal(CertificationStatus.Repeated, repeated.Status);
        AssertSame(first, repeated.Certificate);
        Assert.Equal(CertificationStatus.AlreadyCertified, other.Status);
        AssertSame(first, other.Certificate);
        Assert.Contains("ppk-a", other.Detail);
        Assert.Single(await cluster.Probe.Certificates.ReadAllAsync(Governor), c => c.Region == district.Code);
    }

    [Fact]
    public async Task A_district_missing_a_form_is_refused_naming_the_TPS_and_its_freeze_is_lifted()
    {
        var district = Registry.Get("35.72.03");
        var missing = Registry.TpsUnder(district.Code).Last();
        var forms = await SubmitEveryFormAsync(district, Governor, seed: 3, except: missing.Code);

        var outcome = await Certification(Governor, district).Certify("ppk-35.72.03");

        Assert.Equal(CertificationStatus.Incomplete, outcome.Status);
        Assert.Equal(new[] { missing.Code }, outcome.Missing);
        Assert.Null(outcome.Certificate);
        Assert.Null(await Certification(Governor, district).InForce());
        Assert.Null(await Certification(Governor, district).Blocks());
        Assert.DoesNotContain(await cluster.Probe.Certificates.ReadAllAsync(Governor), c => c.Region == district.Code);
        // Nothing holds the forms back: the grain lets a correction through and the ledger stores it.
        var corrected = forms[0];
        var tps = Registry.Get(corrected.Tps);
        var correction = SampleForms.Correction(corrected, tps, Registry.FindContest(Governor)!, new Random(30));
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(correction, "pps", SubmitterRights.Ordinary)).Status);

        // With the last form in, the district is certified, the correction included.
        await SubmitAsync(SampleForms.Valid(missing, Registry.FindContest(Governor)!, new Random(31)));
        var again = await Certification(Governor, district).Certify("ppk-35.72.03");
        Assert.Equal(CertificationStatus.Done, again.Status);
        Assert.Equal((await RecountAsync(district.Code)).ExpectedDigest(Governor, district.Code), again.Certificate!.Tally.Digest);
    }

    [Fact]
    public async Task A_certified_district_refuses_corrections_below_it_in_the_grain_and_in_the_ledger_until_it_is_withdrawn()
    {
        var district = Registry.Get("35.75.03");
        var forms = await SubmitEveryFormAsync(district, Governor, seed: 4);
        var certificate = (await Certification(Governor, district).Certify("ppk-35.75.03")).Certificate!;
        var tps = Registry.Get(forms[0].Tps);
        var correction = SampleForms.Correction(forms[0], tps, Registry.FindContest(Governor)!, new Random(40));

        var blocks = await Certification(Governor, district).Blocks();
        var refused = await Tps(tps).Submit(correction, "pps", SubmitterRights.BeyondCorrectionLimit);
        // A correction that reaches the ledger by another way (a stale activation, a late commit) is refused there.
        var bypass = await Assert.ThrowsAsync<LedgerRowRefusedException>(() =>
            cluster.Probe.Ledger.AppendAsync(new AcceptedForm(correction, DateTimeOffset.UtcNow, "stale-activation", [])));
        // A first form, and a retry of a stored one, are not corrections: the freeze does not touch them.
        var retry = await Tps(tps).Submit(forms[0], "kpps", SubmitterRights.Ordinary);

        Assert.Equal($"{district.Code} is certified for {Governor} by ppk-35.75.03 at {certificate.CertifiedAt:O}", blocks);
        Assert.Equal(SubmitStatus.Certified, refused.Status);
        Assert.Equal(1, refused.CurrentVersion);
        Assert.StartsWith(blocks, refused.Detail);
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, bypass.SqlState);
        Assert.Equal(SubmitStatus.Retry, retry.Status);
        Assert.Equal(1, (await cluster.Probe.Ledger.ReadTpsAsync(tps.Code)).Count(r => r.Form.Contest == Governor));

        var withdrawn = await Certification(Governor, district).Withdraw("kabkota-35.75", "a recount was ordered");

        Assert.Equal(CertificationStatus.Done, withdrawn.Status);
        Assert.Equal(new Withdrawal("kabkota-35.75", withdrawn.Certificate!.Withdrawn!.At, "a recount was ordered"), withdrawn.Certificate.Withdrawn);
        AssertSame(certificate with { Withdrawn = withdrawn.Certificate.Withdrawn }, withdrawn.Certificate);
        Assert.Null(await Certification(Governor, district).InForce());
        Assert.Null(await Certification(Governor, district).Blocks());
        Assert.Null((await cluster.Grains.GetTallyGrain(district).GetTally(Governor))!.Certified);
        AssertSame(withdrawn.Certificate, Assert.Single(await cluster.Probe.Certificates.ReadAllAsync(Governor), c => c.Region == district.Code));
        Assert.Equal(SubmitStatus.Accepted, (await Tps(tps).Submit(correction, "pps", SubmitterRights.BeyondCorrectionLimit)).Status);
        Assert.Equal(CertificationStatus.NotCertified, (await Certification(Governor, district).Withdraw("kabkota-35.75", "again")).Status);
    }

    [Fact]
    public async Task A_certificate_another_activation_issued_meanwhile_is_answered_as_already_certified()
    {
        var district = Registry.Get("35.75.02");
        await SubmitEveryFormAsync(district, Governor, seed: 5);
        Assert.Null(await Certification(Governor, district).InForce());
        var tally = (await cluster.Grains.GetTallyGrain(district).GetTally(Governor))!;
        var elsewhere = new Certificate(tally, "ppk-elsewhere", StoredTime.Microseconds(DateTimeOffset.UtcNow));
        Assert.Equal(IssueOutcome.Issued, await cluster.Probe.Certificates.IssueAsync(elsewhere, freeze: null));

        var outcome = await Certification(Governor, district).Certify("ppk-here");

        Assert.Equal(CertificationStatus.AlreadyCertified, outcome.Status);
        AssertSame(elsewhere, outcome.Certificate);
        Assert.Equal(elsewhere.Seal, await Certification(Governor, district).InForce());
        Assert.Single(await cluster.Probe.Certificates.ReadAllAsync(Governor), c => c.Region == district.Code);
    }

    [Fact]
    public async Task A_regency_is_certified_only_after_every_district_and_its_districts_are_withdrawn_only_after_it()
    {
        // Kota Mojokerto's own mayoral race: it ends at the regency, so nothing above it is certified.
        const string Mayor = "PWAL-35.76";
        var regency = Registry.Get("35.76");
        var districts = regency.Children.Select(Registry.Get).ToList();
        await SubmitEveryFormAsync(regency, Mayor, seed: 6);
        foreach (var district in districts.Take(2))
            Assert.Equal(CertificationStatus.Done, (await Certification(Mayor, district).Certify($"ppk-{district.Code}")).Status);

        var early = await Certification(Mayor, regency).Certify("kabkota-35.76");
        Assert.Equal(CertificationStatus.Incomplete, early.Status);
        Assert.Equal(new[] { districts[2].Code }, early.Missing);

        Assert.Equal(CertificationStatus.Done, (await Certification(Mayor, districts[2]).Certify($"ppk-{districts[2].Code}")).Status);
        var outcome = await Certification(Mayor, regency).Certify("kabkota-35.76");

        Assert.Equal(CertificationStatus.Done, outcome.Status);
        var recount = await RecountAsync(regency.Code);
        Assert.True(outcome.Certificate!.Tally.Tally.SameCounts(recount.Expected(Mayor, regency.Code)), $"certified {outcome.Certificate.Tally.Tally}");
        Assert.Equal(recount.ExpectedDigest(Mayor, regency.Code), outcome.Certificate.Tally.Digest);
        Assert.Equal(regency.TpsCount, outcome.Certificate.Tally.Tally.TpsReported);
        var children = await cluster.Grains.GetTallyGrain(regency).GetChildren(Mayor);
        Assert.All(children, child => Assert.NotNull(child.Certified));

        // Top down: the regency's certificate still vouches for its districts'.
        var blocked = await Certification(Mayor, districts[0]).Withdraw("kabkota-35.76", "a recount was ordered");
        Assert.Equal(CertificationStatus.ParentCertified, blocked.Status);
        Assert.StartsWith($"{regency.Code} is certified for {Mayor} by kabkota-35.76", blocked.Detail);
        Assert.NotNull(await Certification(Mayor, districts[0]).InForce());

        Assert.Equal(CertificationStatus.Done, (await Certification(Mayor, regency).Withdraw("kabkota-35.76", "a recount was ordered")).Status);
        Assert.Equal(CertificationStatus.Done, (await Certification(Mayor, districts[0]).Withdraw("kabkota-35.76", "a recount was ordered")).Status);
        Assert.Null((await cluster.Grains.GetTallyGrain(regency).GetChildren(Mayor)).Single(c => c.Region == districts[0].Code).Certified);
        // The other districts stay certified: a withdrawal is of one certificate.
        Assert.NotNull(await Certification(Mayor, districts[1]).InForce());
    }

    /// <summary>Certificates travel between silos as copies: the same certificate, field by field.</summary>
    private static void AssertSame(Certificate expected, Certificate? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Contest, expected.Region, expected.Seal, expected.Withdrawn), (actual.Contest, actual.Region, actual.Seal, actual.Withdrawn));
        Assert.True(expected.Tally.Tally.SameCounts(actual.Tally.Tally), $"expected {expected.Tally.Tally}, got {actual.Tally.Tally}");
    }

    private ICertificationGrain Certification(string contest, RegionInfo region) => cluster.Grains.GetCertificationGrain(contest, region.Code);

    private ITpsGrain Tps(RegionInfo tps) => cluster.Grains.GetGrain<ITpsGrain>(tps.Code);

    private async Task<Recount> RecountAsync(string region) => new(Registry, await cluster.Probe.Ledger.ReadLatestUnderAsync(region));

    /// <summary>Version 1 of the contest's form at every TPS below <paramref name="region"/>, but <paramref name="except"/>.</summary>
    private async Task<List<ResultForm>> SubmitEveryFormAsync(RegionInfo region, string contest, int seed, string? except = null)
    {
        var random = new Random(seed);
        var forms = Registry.TpsUnder(region.Code).Where(tps => tps.Code != except)
            .Select(tps => SampleForms.Valid(tps, Registry.FindContest(contest)!, random)).ToList();
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) => await SubmitAsync(form));
        return forms;
    }

    private async Task SubmitAsync(ResultForm form) =>
        Assert.Equal(SubmitStatus.Accepted, (await Tps(Registry.Get(form.Tps)).Submit(form, "kpps", SubmitterRights.Ordinary)).Status);
}
