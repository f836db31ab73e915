using System.Text.Json.Nodes;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// Certificates on the small folder made from API.md's vector, certified by hand the way the server certifies (the
/// certificate holds the published tally, the tally shows the certificate): what passes, and how each finding reads.
/// </summary>
public class CertificateCheckTests
{
    private const string Governor = "PGUB-35";
    private const string District = "35.79.01";
    private const string At = "2024-11-28T02:41:07.123456Z";

    private readonly EvidenceCopy _folder = new(VectorFolder.Write());

    private async Task<VerifierRun> CheckAsync()
    {
        var run = await VerifierRun.RunAsync("check", _folder.Path);
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        return run;
    }

    [Fact]
    public async Task A_district_then_its_regency_certified_as_the_server_does_matches()
    {
        _folder.Certify(Governor, District);
        _folder.Certify(Governor, "35.79", by: "kabkota-35.79");

        var run = await CheckAsync();

        Assert.Equal(["OK: every one of 10 published tallies and 3 forms of 1 contest matches the forms; 2 certificates in force, 0 withdrawn"], run.Lines);
    }

    [Fact]
    public async Task The_province_certified_before_every_regency_names_the_missing_one()
    {
        _folder.Certify(Governor, District);
        _folder.Certify(Governor, "35.79");
        _folder.Certify(Governor, "35");

        var run = await CheckAsync();

        Assert.Equal([
            "PGUB-35 35 (province): certified, but 1 of its 2 regencies has no certificate in force: 35.78",
            "FAILED: 1 difference in 1 region (10 published tallies and 3 forms of 1 contest checked; 3 certificates in force, 0 withdrawn)",
        ], run.Lines);
    }

    [Fact]
    public async Task A_certificate_the_published_tally_does_not_show_and_a_tally_showing_one_without_it_are_differences()
    {
        _folder.Certify(Governor, District);
        _folder.ChangeTally(Governor, District, t => t["certified"] = null);
        _folder.ChangeTally(Governor, "35.79", t => t["certified"] = new JsonObject { ["by"] = "kabkota-35.79", ["at"] = At, ["digest"] = t["digest"]!.DeepClone() });

        var run = await CheckAsync();

        var digest = DigestVectorTests.Vector()["digests"]!["35.79"]!.GetValue<string>();
        Assert.Equal($"PGUB-35 35.79 (regency): the published tally shows certified by kabkota-35.79 at {At} (digest {digest}), but no certificate of it is in force", run.Lines[0]);
        Assert.Equal($"PGUB-35 {District} (district): certificate by ppk-35.79.01 at {At} is in force, but the published tally shows none (\"certified\": null)", run.Lines[1]);
    }

    [Fact]
    public async Task The_same_instant_written_with_another_offset_is_the_same_certificate()
    {
        _folder.Certify(Governor, District);
        _folder.ChangeTally(Governor, District, t => t["certified"]!["at"] = "2024-11-28T09:41:07.123456+07:00");

        var run = await CheckAsync();

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task A_withdrawn_certificate_is_history_checked_only_for_being_well_formed()
    {
        _folder.Certify(Governor, District);
        _folder.ChangeTally(Governor, District, t => t["certified"] = null);
        var certificates = _folder.Certificates(Governor);
        var withdrawn = certificates[0]!.AsObject();
        withdrawn["withdrawn"] = new JsonObject { ["by"] = "ppk-35.79.01", ["at"] = "2024-11-28T03:00:00Z", ["reason"] = "TPS 002 dihitung ulang" };
        // The forms were corrected since: the certified tally no longer is today's, and that is no difference.
        withdrawn["tally"]!["votes"]!["1"] = 71;
        _folder.WriteCertificates(Governor, certificates);

        var run = await CheckAsync();
        Assert.Equal(["OK: every one of 10 published tallies and 3 forms of 1 contest matches the forms; 0 certificates in force, 1 withdrawn"], run.Lines);

        withdrawn["withdrawn"] = new JsonObject { ["by"] = "", ["at"] = "2024-11-28T02:00:00Z", ["reason"] = null };
        withdrawn["certifiedAt"] = "28/11/2024 02:41";
        _folder.WriteCertificates(Governor, certificates);

        run = await CheckAsync();
        var it = "PGUB-35 35.79.01 (district): withdrawn certificate by ppk-35.79.01 at 28/11/2024 02:41";
        Assert.Equal([
            $"{it}: certifiedAt 28/11/2024 02:41 is not a time with an offset",
            $"{it}: withdrawn without saying by whom",
            $"{it}: withdrawn without a reason",
            "FAILED: 3 differences in 1 region (10 published tallies and 3 forms of 1 contest checked; 0 certificates in force, 1 withdrawn)",
        ], run.Lines);
    }

    [Fact]
    public async Task A_withdrawal_before_the_certificate_is_a_difference()
    {
        _folder.Certify(Governor, District);
        _folder.ChangeTally(Governor, District, t => t["certified"] = null);
        var certificates = _folder.Certificates(Governor);
        certificates[0]!["withdrawn"] = new JsonObject { ["by"] = "ppk-35.79.01", ["at"] = "2024-11-28T02:00:00Z", ["reason"] = "salah" };
        _folder.WriteCertificates(Governor, certificates);

        var run = await CheckAsync();

        Assert.Equal($"PGUB-35 {District} (district): withdrawn certificate by ppk-35.79.01 at {At}: withdrawn at 2024-11-28T02:00:00Z, before it was certified", run.Lines[0]);
    }

    [Fact]
    public async Task Two_certificates_in_force_and_one_of_a_village_are_differences()
    {
        _folder.Certify(Governor, District);
        _folder.Certify(Governor, District, by: "ppk-lain");
        _folder.Certify(Governor, "35.79.01.1001", by: "pps-35.79.01.1001");

        var run = await CheckAsync();

        Assert.Contains($"PGUB-35 {District} (district): certificate by ppk-lain at {At}: a second certificate in force (the first is by ppk-35.79.01 at {At}); only the first is compared", run.Lines);
        // The tally shows the second certificate's signer, not the first's.
        Assert.Contains($"PGUB-35 {District} (district): certified.by: published ppk-lain, certificate ppk-35.79.01", run.Lines);
        Assert.Contains($"PGUB-35 35.79.01.1001 (village): certificate by pps-35.79.01.1001 at {At}: a village does not certify (districts, regencies and the province do); left out", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith("PGUB-35 35.79.01.1001 (village): the published tally shows certified by pps-35.79.01.1001", StringComparison.Ordinal));
        Assert.EndsWith("3 certificates in force, 0 withdrawn)", run.Lines[^1]);
    }

    [Fact]
    public async Task A_certificate_that_is_not_one_cannot_be_read()
    {
        _folder.WriteCertificates(Governor, [new JsonObject { ["region"] = District, ["tally"] = new JsonObject { ["region"] = District }, ["withdrawn"] = null }]);

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{_folder.Folder.CertificatesFile(Governor)}, certificate #1 ({District}), its tally ({District}): \"votes\" is missing or not an object", run.Error);
    }
}
