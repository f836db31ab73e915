using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static KpuOrleans.Verifier.Tests.ProofVector;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// <c>prove</c> offline on docs/API.md's proof test vector: as written it verifies up to the digest vector's <c>35</c>;
/// each tampered copy fails, naming the level API.md's "Checking a proof" says it breaks at, and why.
/// </summary>
public class ProveVectorTests(ITestOutputHelper log)
{
    private async Task<VerifierRun> ProveAsync(string proof, params string[] more)
    {
        var run = await VerifierRun.RunAsync(["prove", "--contest", Contest, "--tps", TpsCode, "--proof", proof, .. more]);
        log.WriteLine(run.ToString());
        return run;
    }

    private Task<VerifierRun> ProveReceiptAsync(JsonObject proof, string? receipt = null) =>
        ProveAsync(Save(proof), "--receipt", receipt ?? Digest(TpsCode), "--top", Top);

    private static void AssertBreaks(VerifierRun run, string code, string level, string why)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"breaks at {code} ({level}): ", run.Lines[^1]);
        Assert.Contains(why, run.Lines[^1]);
        Assert.Contains(run.Lines, l => l.StartsWith($"[XX] {code} ({level})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_vector_with_its_receipt_verifies_up_to_the_published_top()
    {
        var run = await ProveReceiptAsync(Node());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([
            $"{Contest} {TpsCode}: proof of version 1 (latest accepted 1) against the live total, 5 levels, from the TPS up",
            $"[ok] {TpsCode} (tps) TPS 001 {Digest(TpsCode)} (your receipt)",
            $"[ok] 35.79.01.1001 (village) Temas {Digest("35.79.01.1001")}",
            $"[ok] 35.79.01 (district) Batu {Digest("35.79.01")}",
            $"[ok] 35.79 (regency) Kota Batu {Digest("35.79")}",
            $"[ok] 35 (province) Jawa Timur {Top} (the published digest, --top)",
            $"inside the live total: {Contest} {TpsCode} version 1 is counted in 35's published digest {Top}",
        ], run.Lines);
    }

    [Fact]
    public async Task The_vector_with_its_form_verifies()
    {
        var run = await ProveAsync(Save(Node()), "--form", SaveForm(), "--top", Top);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"[ok] {TpsCode} (tps) TPS 001 {Digest(TpsCode)} (your form)", run.Lines);
        Assert.StartsWith("inside the live total: ", run.Lines[^1]);
    }

    [Fact]
    public async Task Without_top_a_saved_proof_holds_but_says_its_top_is_not_confirmed()
    {
        var run = await ProveAsync(Save(Node()), "--receipt", Digest(TpsCode));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"[??] 35 (province) Jawa Timur {Top} (not confirmed against the published digest)", run.Lines);
        Assert.Contains("the top digest could not be confirmed against the published one", run.Lines[^1]);
    }

    [Fact]
    public async Task Another_top_breaks_at_the_province()
    {
        var run = await ProveAsync(Save(Node()), "--receipt", Digest(TpsCode), "--top", Digest("35.79"));

        AssertBreaks(run, "35", "province", $"its text hashes to {Top}, not to the published digest (--top: {Digest("35.79")})");
    }

    [Fact]
    public async Task A_changed_number_in_the_TPS_text_breaks_at_the_TPS()
    {
        var run = await ProveReceiptAsync(ChangeText(Node(), 0, "votes.1 40\n", "votes.1 41\n"));

        AssertBreaks(run, TpsCode, "tps", $"not to your receipt {Digest(TpsCode)}: it is not the form you hold");
        Assert.Contains(run.Lines, l => l.StartsWith("[  ] 35.79.01.1001 (village)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, "which 35.79 does not commit to (no line \"child 35.79.01 ")]
    [InlineData(false, "not to the digest the proof states (6927282c")]
    public async Task A_changed_number_in_the_district_text_breaks_at_the_district(bool restate, string why)
    {
        var run = await ProveReceiptAsync(ChangeText(Node(), 2, "votes.2 470\n", "votes.2 471\n", restate));

        AssertBreaks(run, "35.79.01", "district", why);
        Assert.Contains(run.Lines, l => l.StartsWith("[ok] 35.79.01.1001 (village)", StringComparison.Ordinal));
    }

    /// <summary>
    /// The village's line for this TPS made to commit to its sibling's digest: the village no longer commits to the
    /// form held, so by step 3 the proof breaks at the TPS (the level whose digest its parent does not commit to).
    /// </summary>
    [Fact]
    public async Task The_TPS_child_line_given_the_sibling_digest_breaks_at_the_TPS()
    {
        var run = await ProveReceiptAsync(ChangeText(Node(), 1, $"child {TpsCode} {Digest(TpsCode)}", $"child {TpsCode} {Digest(SiblingCode)}"));

        AssertBreaks(run, TpsCode, "tps",
            $"its text hashes to {Digest(TpsCode)}, which 35.79.01.1001 does not commit to (no line \"child {TpsCode} {Digest(TpsCode)}\"; it has \"child {TpsCode} {Digest(SiblingCode)}\")");
    }

    /// <summary>The village's two child lines swapped: it still commits to the TPS, but its text is not canonical, so the village is named.</summary>
    [Fact]
    public async Task Two_child_lines_swapped_in_the_village_text_break_at_the_village()
    {
        var (ours, theirs) = ($"child {TpsCode} {Digest(TpsCode)}\n", $"child {SiblingCode} {Digest(SiblingCode)}\n");

        var run = await ProveReceiptAsync(ChangeText(Node(), 1, ours + theirs, theirs + ours));

        AssertBreaks(run, "35.79.01.1001", "village",
            $"its text is not canonical: line 14 \"child {TpsCode} ...\" comes after \"child {SiblingCode} ...\": child lines are in ordinal order of their codes");
    }

    [Fact]
    public async Task A_reordered_line_in_the_regency_text_breaks_at_the_regency()
    {
        var run = await ProveReceiptAsync(ChangeText(Node(), 3, "valid 941\ninvalid 17\n", "invalid 17\nvalid 941\n"));

        AssertBreaks(run, "35.79", "regency", "its text is not canonical: line 8 is \"invalid 17\" where \"valid ...\" belongs");
    }

    [Theory]
    [InlineData("votes.1 120\n", "votes.1 0120\n", "line 5 \"votes.1 0120\": not a number in base 10 without sign, leading zeros or separators")]
    [InlineData("votes.1 120\n", "votes.1 +120\n", "line 5 \"votes.1 +120\": not a number in base 10")]
    [InlineData("tpsReported 3\n", "tpsReported  3\n", "line 12 \"tpsReported  3\" is not \"tpsReported\", one space and a value")]
    [InlineData("votes.1 120\nvotes.2 470\n", "votes.2 470\nvotes.1 120\n", "line 6 \"votes.1 120\" comes after votes.2: ballot numbers are written in ballot order")]
    public async Task A_regency_text_not_canonical_in_other_ways_breaks_at_the_regency(string from, string to, string why)
    {
        var run = await ProveReceiptAsync(ChangeText(Node(), 3, from, to));

        AssertBreaks(run, "35.79", "regency", $"its text is not canonical: {why}");
    }

    [Fact]
    public async Task A_path_without_its_province_names_the_province_missing()
    {
        var proof = Node();
        proof["levels"]!.AsArray().RemoveAt(4);

        var run = await ProveReceiptAsync(proof);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("[XX] 35 (province) (missing)", run.Lines[^2]);
        Assert.Equal("breaks at 35 (province): missing: the proof ends at 35.79, below the race's scope 35", run.Lines[^1]);
    }

    [Fact]
    public async Task A_path_without_its_regency_breaks_at_the_district()
    {
        var proof = Node();
        proof["levels"]!.AsArray().RemoveAt(3);

        var run = await ProveReceiptAsync(proof);

        AssertBreaks(run, "35.79.01", "district", "the level above it is not the text of 35.79 in PGUB-35");
    }

    [Fact]
    public async Task A_wrong_receipt_breaks_at_the_TPS()
    {
        var run = await ProveReceiptAsync(Node(), Digest(SiblingCode));

        AssertBreaks(run, TpsCode, "tps", $"the counted form (version 1) hashes to {Digest(TpsCode)}, not to your receipt {Digest(SiblingCode)}");
    }

    [Fact]
    public async Task A_form_whose_numbers_differ_from_the_counted_one_breaks_at_the_TPS()
    {
        var form = SaveForm(f =>
        {
            f["votes"]!["1"] = 41;
            f["valid"] = 299;
        });

        var run = await ProveAsync(Save(Node()), "--form", form, "--top", Top);

        AssertBreaks(run, TpsCode, "tps", "the counted form is not the one you hold: votes.1 40 counted, 41 on yours; valid 298 counted, 299 on yours");
    }

    [Fact]
    public async Task The_proof_of_another_TPS_breaks_at_the_TPS_asked()
    {
        var run = await VerifierRun.RunAsync("prove", "--contest", Contest, "--tps", SiblingCode, "--proof", Save(Node()), "--receipt", Digest(SiblingCode), "--top", Top);
        log.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"breaks at {SiblingCode} (tps): the proof is of TPS {TpsCode} starting at {TpsCode}, not of {SiblingCode}", run.Lines[^1]);
    }

    /// <summary>The vector ending at a certificate of its district instead: every certified level must hash to its certificate's digest.</summary>
    [Theory]
    [InlineData(null, 0)]
    [InlineData("35.79", 1)]
    public async Task A_proof_against_a_district_certificate_holds_only_with_the_certified_digest(string? certifiedAs, int exitCode)
    {
        var proof = Node();
        proof["against"] = "certificate";
        proof["levels"]!.AsArray().RemoveAt(4);
        proof["levels"]!.AsArray().RemoveAt(3);
        var certified = Digest(certifiedAs ?? "35.79.01");
        Level(proof, 2)["certified"] = new JsonObject { ["by"] = "ppk-35.79.01", ["at"] = "2024-11-28T10:00:00Z", ["digest"] = certified };

        var run = await ProveAsync(Save(proof), "--receipt", Digest(TpsCode), "--top", certified);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal(exitCode == 0
            ? $"inside the certified total: {Contest} {TpsCode} version 1 is counted in 35.79.01's certified digest {Digest("35.79.01")}"
            : $"breaks at 35.79.01 (district): its text hashes to {Digest("35.79.01")}, not to the digest of its certificate (by ppk-35.79.01 at 2024-11-28T10:00:00Z (digest {certified}))",
            run.Lines[^1]);
    }
}
