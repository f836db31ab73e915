using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Tests;

/// <summary>The checks on a small folder made from API.md's vector: what passes, and how each kind of difference reads.</summary>
public class ContestCheckTests
{
    private readonly EvidenceCopy _folder = new(VectorFolder.Write());

    [Fact]
    public async Task The_vector_as_a_server_that_agrees_with_it_would_publish_it_matches()
    {
        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["OK: every one of 10 published tallies and 3 forms of 1 contest matches the forms; 0 certificates in force, 0 withdrawn"], run.Lines);
    }

    [Fact]
    public async Task A_folder_without_certificates_is_checked_as_none_and_says_so()
    {
        File.Delete(_folder.Folder.CertificatesFile("PGUB-35"));

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([
            "PGUB-35: no PGUB-35.certificates.json, so checked as a contest without certificates (a tally showing one is then a difference)",
            "OK: every one of 10 published tallies and 3 forms of 1 contest matches the forms; 0 certificates in force, 0 withdrawn, no certificates file for PGUB-35",
        ], run.Lines);
    }

    [Fact]
    public async Task A_region_without_forms_must_show_zeros_and_no_digest()
    {
        _folder.ChangeTally("PGUB-35", "35.79.01.1003", t =>
        {
            t["tpsReported"] = 1;
            t["digest"] = "673a18789da3f105140bb5c78fe78921faa75a58b06e5fd41fc3f90c94ada1b7";
        });

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([
            "PGUB-35 35.79.01.1003 (village): tpsReported: published 1, recomputed 0",
            "PGUB-35 35.79.01.1003 (village): digest: published 673a18789da3f105140bb5c78fe78921faa75a58b06e5fd41fc3f90c94ada1b7, recomputed null",
            "FAILED: 2 differences in 1 region (10 published tallies and 3 forms of 1 contest checked; 0 certificates in force, 0 withdrawn)",
        ], run.Lines);
    }

    [Fact]
    public async Task A_region_with_forms_must_have_been_published()
    {
        _folder.RemoveTally("PGUB-35", "35.79.01.1002");

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("PGUB-35 35.79.01.1002 (village): no published tally, but the forms count 1 TPS at or below it", run.Lines[0]);
    }

    [Fact]
    public async Task A_second_row_for_a_TPS_and_a_tally_published_twice_are_differences()
    {
        var rows = File.ReadAllLines(_folder.Folder.ExportFile("PGUB-35"));
        File.AppendAllLines(_folder.Folder.ExportFile("PGUB-35"), [rows[1]]);
        var tallies = File.ReadAllLines(_folder.Folder.TalliesFile("PGUB-35"));
        _folder.Folder.WriteTallies("PGUB-35", [.. tallies[1..^1].Select(t => t.TrimEnd(',')), tallies[1].TrimEnd(',')]);

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("PGUB-35 35 (province): published more than once; only the first is compared", run.Lines);
        Assert.Contains("PGUB-35 35.79.01.1001.001 (tps): export line 5: a second row for this TPS (the first is line 2); only the first is counted", run.Lines);
    }

    [Fact]
    public async Task Votes_published_for_a_number_not_on_the_ballot_are_a_difference()
    {
        _folder.ChangeTally("PGUB-35", "35.79", t => t["votes"]!.AsObject()["4"] = 12);

        var run = await VerifierRun.RunAsync("check", _folder.Path);

        Assert.Equal("PGUB-35 35.79 (regency): votes.4: published 12, but PGUB-35 has no ballot number 4", run.Lines[0]);
    }

    [Fact]
    public void Only_nodes_with_forms_are_recomputed_and_the_scope_is_the_top()
    {
        var mayor = VectorFolder.Governor with { Id = "PWAL-35.79", Kind = "mayor", Scope = "35.79" };
        var rows = _folder.Rows("PGUB-35");

        var tallies = Recomputation.Recompute(mayor, rows);

        Assert.Equal(["35.79", "35.79.01", "35.79.01.1001", "35.79.01.1001.001", "35.79.01.1001.002", "35.79.01.1002", "35.79.01.1002.001"],
            tallies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((3, 3L), (tallies["35.79"].TpsReported, tallies["35.79"].Version));
    }
}
