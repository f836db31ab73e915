using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// Kota Batu counted and certified: a form's receipt (its digest in the export) proves it inside the certificates
/// above it by default, inside the district's when that one is asked, and inside the live total with <c>none</c>.
/// </summary>
public partial class EmbeddedSystemTests
{
    [Theory]
    [InlineData(Governor)]
    [InlineData(Mayor)]
    public async Task A_receipt_below_certificates_proves_its_form_inside_the_highest_by_default(string contest)
    {
        var row = EvidenceCopy.Of(counted.Downloaded).Rows(contest)[42];

        var run = await CheckAsync("prove", "--contest", contest, "--tps", row.Tps, "--receipt", row.Digest, "--api", counted.Api.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"inside the certified total: {contest} {row.Tps} version {row.Version} is counted in {CountedRegency.Regency}'s certified digest ", run.Lines[^1]);
        // The regency's and its district's certificates, each level ticked and the top confirmed in the register.
        Assert.Equal(2, run.Lines.Count(l => l.StartsWith("[ok] ", StringComparison.Ordinal) && l.Contains("(certified by anonymous at ", StringComparison.Ordinal)));
        Assert.Contains(run.Lines, l => l.StartsWith($"[ok] {CountedRegency.Regency} (regency)", StringComparison.Ordinal) &&
                                        l.EndsWith($"the certified digest, GET api/v1/export/{contest}/certificates.json)", StringComparison.Ordinal));
        Assert.Equal(4, run.Lines.Count(l => l.StartsWith("[ok] ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_receipt_proves_its_form_inside_the_district_certificate_asked_and_the_live_total()
    {
        var row = EvidenceCopy.Of(counted.Downloaded).Rows(Governor)[7];
        var district = RegionCode.Parent(RegionCode.Parent(row.Tps)!)!;
        string[] prove = ["prove", "--contest", Governor, "--tps", row.Tps, "--receipt", row.Digest, "--api", counted.Api.ToString()];

        var certified = await CheckAsync([.. prove, "--certificate", district]);
        var live = await CheckAsync([.. prove, "--certificate", "none"]);

        Assert.Equal(0, certified.ExitCode);
        Assert.StartsWith($"inside the certified total: {Governor} {row.Tps} version {row.Version} is counted in {district}'s certified digest ", certified.Lines[^1]);
        Assert.Equal(0, live.ExitCode);
        Assert.StartsWith($"inside the live total: {Governor} {row.Tps} version {row.Version} is counted in 35's published digest ", live.Lines[^1]);
        Assert.Equal(5, live.Lines.Count(l => l.StartsWith("[ok] ", StringComparison.Ordinal)));
    }
}
