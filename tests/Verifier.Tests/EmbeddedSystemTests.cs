using KpuOrleans.TestKit;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The verifier against the real system: an honest count of Kota Batu checks clean, from the files and straight from
/// the API; copies of the files tampered with by hand fail, naming where. Its certificates: EmbeddedSystemTests.Certificates.cs.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public partial class EmbeddedSystemTests(CountedRegency counted, ITestOutputHelper log) : IClassFixture<CountedRegency>
{
    private const string Governor = "PGUB-35";
    private const string Mayor = "PWAL-35.79";

    private async Task<VerifierRun> CheckAsync(params string[] args)
    {
        var run = await VerifierRun.RunAsync(args);
        log.WriteLine(run.ToString());
        return run;
    }

    /// <summary>Every node a contest's scope publishes a tally for: the scope and every region and TPS below it.</summary>
    private static int Nodes(string code) => 1 + Jatim.Registry.Get(code).Children.Sum(Nodes);

    /// <summary>Kota Batu's 3 districts and the regency, certified in both races.</summary>
    private static readonly int Certified = 2 * (CountedRegency.Districts.Count + 1);

    private string Checked => $"{Nodes("35") + Nodes(CountedRegency.Regency)} published tallies and {2 * counted.TpsCount} forms of 2 contests";

    private string OkLine(int inForce, int withdrawn) => $"OK: every one of {Checked} matches the forms; {inForce} certificates in force, {withdrawn} withdrawn";

    /// <summary>The summary of the first download (everything certified, nothing withdrawn yet) with differences.</summary>
    private string FailedLine(int differences, int regions, int? inForce = null) =>
        $"FAILED: {differences} difference{(differences == 1 ? "" : "s")} in {regions} region{(regions == 1 ? "" : "s")} " +
        $"({Checked} checked; {inForce ?? Certified} certificates in force, 0 withdrawn)";

    [Fact]
    public async Task An_honest_count_downloaded_then_checked_matches()
    {
        Assert.Contains($"{Governor}: {counted.TpsCount} forms in the export, {Nodes("35")} published tallies, {Certified / 2} certificates in force, 0 withdrawn", counted.DownloadOutput);
        Assert.Contains($"{Mayor}: {counted.TpsCount} forms in the export, {Nodes(CountedRegency.Regency)} published tallies, {Certified / 2} certificates in force, 0 withdrawn", counted.DownloadOutput);

        var run = await CheckAsync("check", counted.Downloaded.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([OkLine(Certified, 0)], run.Lines);
    }

    [Fact]
    public async Task An_honest_count_checked_straight_from_the_API_matches()
    {
        var run = await CheckAsync("check", "--api", counted.Api.ToString(), "--contests", $"{Governor},{Mayor}");

        Assert.Equal(0, run.ExitCode);
        // Now: the two withdrawn ones certified anew, and the withdrawals kept.
        Assert.Equal(OkLine(Certified, CountedRegency.Withdrawn.Length), run.Lines[^1]);
    }

    [Fact]
    public async Task A_vote_changed_in_a_row_without_its_digest_names_that_TPS()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        var row = copy.Rows(Governor)[100];
        copy.ChangeRow(Governor, row.Tps, r => r with { Votes = [r.Votes[0] + 1, .. r.Votes.Skip(1)] });

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith($"{Governor} {row.Tps} (tps): export line {row.Line}: digest column {row.Digest}, but the row's numbers hash to", StringComparison.Ordinal));
        Assert.StartsWith("FAILED: ", run.Lines[^1]);
    }

    [Fact]
    public async Task A_vote_moved_in_a_row_with_its_digest_redone_names_the_village()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        var contest = copy.Contest(Governor);
        var row = copy.Rows(Governor).First(r => r.Votes[1] > 0);
        copy.ChangeRow(Governor, row.Tps, r =>
        {
            var moved = r with { Votes = [r.Votes[0] + 1, r.Votes[1] - 1, .. r.Votes.Skip(2)] };
            return moved with { Digest = DigestEncoding.OfForm(contest, moved) };
        });
        var village = RegionCode.Parent(row.Tps);

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        // The row keeps every rule and hashes to its digest column: only the tallies published from the true form differ.
        Assert.DoesNotContain(run.Lines, l => l.Contains("export line", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith($"{Governor} {village} (village): votes.1: published", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith($"{Governor} {village} (village): digest: published", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith($"{Governor} {row.Tps} (tps): votes.1: published {row.Votes[0]}, recomputed {row.Votes[0] + 1}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Votes_changed_in_one_published_district_tally_name_that_district_only()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        const string district = "35.79.02";
        long? was = null;
        copy.ChangeTally(Governor, district, t =>
        {
            was = t["votes"]!["2"]!.GetValue<long>();
            t["votes"]!["2"] = was + 7;
        });

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([
            $"{Governor} {district} (district): votes.2: published {was + 7}, recomputed {was}",
            FailedLine(1, 1),
        ], run.Lines);
    }

    [Fact]
    public async Task A_row_breaking_rule_6_names_the_TPS_and_the_rule()
    {
        var copy = EvidenceCopy.Of(counted.Downloaded);
        var contest = copy.Contest(Mayor);
        var row = copy.Rows(Mayor)[7];
        copy.ChangeRow(Mayor, row.Tps, r =>
        {
            var broken = r with { Invalid = r.Invalid + 1 };
            return broken with { Digest = DigestEncoding.OfForm(contest, broken) };
        });

        var run = await CheckAsync("check", copy.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{Mayor} {row.Tps} (tps): export line {row.Line}: impossible numbers, rule 6 " +
                        $"(valid + invalid = voted_dpt + voted_dptb + voted_dpk = ballots_used): valid + invalid {row.Valid + row.Invalid + 1}, " +
                        $"voted {row.Voted}, ballots_used {row.BallotsUsed}", run.Lines);
        Assert.DoesNotContain(run.Lines, l => l.Contains("digest column", StringComparison.Ordinal));
    }
}
