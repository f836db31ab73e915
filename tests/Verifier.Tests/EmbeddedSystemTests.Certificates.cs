namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// Kota Batu certified bottom up in both races: the certificates check clean, withdrawn ones count as history, and
/// copies of certificates.json tampered with by hand fail, naming the region.
/// </summary>
public partial class EmbeddedSystemTests
{
    private const string District = "35.79.02";

    [Fact]
    public async Task Every_district_and_the_regency_are_certified_in_both_races_and_their_tallies_show_it()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        foreach (var contest in CountedRegency.Contests)
        {
            var certificates = copy.Certificates(contest);
            Assert.Equal([CountedRegency.Regency, .. CountedRegency.Districts], certificates.Select(c => c!["region"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(certificates, c => Assert.Equal(("anonymous", null), (c!["certifiedBy"]!.GetValue<string>(), c["withdrawn"])));
        }
        var regency = copy.Certificates(Governor).Single(c => c!["region"]!.GetValue<string>() == CountedRegency.Regency)!;
        Assert.Equal(regency["digest"]!.GetValue<string>(), regency["tally"]!["digest"]!.GetValue<string>());

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal([OkLine(Certified, 0)], run.Lines);
    }

    [Fact]
    public async Task A_certificate_digest_changed_names_that_district()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        string? was = null, other = null;
        copy.ChangeCertificate(Governor, "35.79.01", c => other = c["digest"]!.GetValue<string>());
        copy.ChangeCertificate(Governor, District, c =>
        {
            was = c["digest"]!.GetValue<string>();
            c["digest"] = other; // a real digest, of the neighbouring district
        });

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([
            $"{Governor} {District} (district): certificate digest: certified {other}, recomputed {was}",
            $"{Governor} {District} (district): certified.digest: published {was}, certificate {other}",
            FailedLine(2, 1),
        ], run.Lines);
    }

    [Fact]
    public async Task A_vote_changed_in_a_certified_tally_names_that_regency()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        long? was = null;
        copy.ChangeCertificate(Mayor, CountedRegency.Regency, c =>
        {
            was = c["tally"]!["votes"]!["1"]!.GetValue<long>();
            c["tally"]!["votes"]!["1"] = was + 1;
        });

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([
            $"{Mayor} {CountedRegency.Regency} (regency): certificate tally.votes.1: certified {was + 1}, recomputed {was}",
            FailedLine(1, 1),
        ], run.Lines);
    }

    [Fact]
    public async Task A_district_certificate_removed_names_the_regency_that_misses_it()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        copy.RemoveCertificate(Governor, District);

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"{Governor} {CountedRegency.Regency} (regency): certified, but 1 of its 3 districts has no certificate in force: {District}", run.Lines[0]);
        Assert.StartsWith($"{Governor} {District} (district): the published tally shows certified by anonymous at ", run.Lines[1]);
        Assert.EndsWith(", but no certificate of it is in force", run.Lines[1]);
        Assert.Equal(FailedLine(2, 2, inForce: Certified - 1), run.Lines[2]);
    }

    [Fact]
    public async Task Withdrawn_top_down_then_downloaded_again_the_withdrawals_are_history_and_count()
    {
        var copy = EvidenceCopy.Of(counted.DownloadedWithdrawn);
        var withdrawn = copy.Certificates(Mayor).Where(c => c!["withdrawn"] is not null).Select(c => c!.AsObject()).ToList();
        Assert.Equal(CountedRegency.Withdrawn.Order(StringComparer.Ordinal), withdrawn.Select(c => c["region"]!.GetValue<string>()));
        Assert.All(withdrawn, c => Assert.Equal(CountedRegency.WithdrawalReason, c["withdrawn"]!["reason"]!.GetValue<string>()));

        var run = await CheckAsync("check", copy.Path);
        Assert.Equal([OkLine(Certified - CountedRegency.Withdrawn.Length, CountedRegency.Withdrawn.Length)], run.Lines);

        // History is not held against today's forms, but it must say who withdrew it, when and why.
        var certificates = copy.Certificates(Mayor);
        var regency = certificates.Single(c => c!["region"]!.GetValue<string>() == CountedRegency.Regency)!;
        regency["tally"]!["votes"]!["1"] = regency["tally"]!["votes"]!["1"]!.GetValue<long>() + 1;
        regency["withdrawn"]!.AsObject().Remove("reason");
        copy.WriteCertificates(Mayor, certificates);

        run = await CheckAsync("check", copy.Path);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"{Mayor} {CountedRegency.Regency} (regency): withdrawn certificate by anonymous at {regency["certifiedAt"]}: withdrawn without a reason",
            Assert.Single(run.Lines, l => !l.StartsWith("FAILED: ", StringComparison.Ordinal)));
    }
}
