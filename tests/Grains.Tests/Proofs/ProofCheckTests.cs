using KpuOrleans.Proofs;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests.Proofs;

/// <summary>
/// The server's own proof checker (API.md, "Checking a proof") on the documented test vector: it holds, and every way
/// of tampering with it breaks it at the level tampered with, by name.
/// </summary>
public class ProofCheckTests
{
    private static readonly Contest Governor = Jatim.Registry.FindContest("PGUB-35")!;

    [Fact]
    public void The_documented_vector_holds_up_to_the_province_s_published_digest_and_against_its_receipt()
    {
        var proof = ProofVector.Proof();
        Assert.Null(ProofCheck.Check(proof, Governor, receipt: proof.Digest, publishedTop: ProofVector.ProvinceDigest));
        Assert.Equal(["35.79.01.1001.001", "35.79.01.1001", "35.79.01", "35.79", "35"], proof.Levels.Select(l => l.Region));
        Assert.All(proof.Levels, level => Assert.Equal(TallyDigest.Hash(level.Text), level.Digest));
    }

    [Fact]
    public void A_changed_number_breaks_the_proof_at_the_level_whose_text_changed()
    {
        AssertBreaks(Edit(0, text => text.Replace("votes.2 150\n", "votes.2 151\n")), "35.79.01.1001.001", Level.Tps, "35.79.01.1001 commits to");
        AssertBreaks(Edit(2, text => text.Replace("votes.3 351\n", "votes.3 352\n")), "35.79.01", Level.District, "35.79 commits to");
        AssertBreaks(Edit(4, text => text.Replace("valid 941\n", "valid 942\n")), "35", Level.Province, "not to the published");
    }

    [Fact]
    public void A_swapped_child_line_breaks_the_proof_at_the_child_it_no_longer_commits_to()
    {
        // The village's line for the TPS now carries its sibling's digest: the TPS is no longer what the village commits to.
        var proof = ProofVector.Proof();
        var sibling = proof.Levels[1].Text.Split('\n').Single(line => line.StartsWith("child 35.79.01.1001.002 ", StringComparison.Ordinal))[^64..];
        var own = proof.Levels[0].Digest;
        AssertBreaks(Edit(1, text => text.Replace($"child 35.79.01.1001.001 {own}", $"child 35.79.01.1001.001 {sibling}")),
            "35.79.01.1001.001", Level.Tps, "35.79.01.1001 commits to " + sibling);
        // The two child lines exchanged whole: the village's text is no longer canonical.
        AssertBreaks(Edit(1, text =>
        {
            var lines = text.TrimEnd('\n').Split('\n');
            (lines[^1], lines[^2]) = (lines[^2], lines[^1]);
            return string.Join('\n', lines) + "\n";
        }), "35.79.01.1001", Level.Village, "ordinal order");
    }

    [Fact]
    public void A_reordered_line_is_not_canonical_and_breaks_the_proof_at_its_level()
    {
        AssertBreaks(Edit(3, text => text.Replace("valid 941\ninvalid 17\n", "invalid 17\nvalid 941\n")), "35.79", Level.Regency, "not canonical");
        AssertBreaks(Edit(0, text => text.Replace("voted.dpt 300\nvoted.dptb 2\n", "voted.dptb 2\nvoted.dpt 300\n")), "35.79.01.1001.001", Level.Tps, "not canonical");
    }

    [Fact]
    public void A_truncated_path_breaks_at_the_first_missing_level()
    {
        var proof = ProofVector.Proof();
        AssertBreaks(proof with { Levels = proof.Levels.Take(4).ToList() }, "35", Level.Province, "below the top of PGUB-35");
        AssertBreaks(proof with { Levels = [.. proof.Levels.Where(l => l.Level != Level.District)] }, "35.79.01", Level.District, "skipping its parent");
        AssertBreaks(proof with { Levels = [] }, "35.79.01.1001.001", Level.Tps, "no levels");
    }

    [Fact]
    public void A_receipt_of_another_form_breaks_the_proof_at_the_TPS()
    {
        var proof = ProofVector.Proof();
        var other = TallyDigest.Hash(proof.Levels[0].Text.Replace("version 1\n", "version 2\n"));
        var broken = ProofCheck.Check(proof, Governor, receipt: other, publishedTop: ProofVector.ProvinceDigest);
        Assert.NotNull(broken);
        Assert.Equal(("35.79.01.1001.001", Level.Tps), (broken.Region, broken.Level));
        Assert.Contains("not the receipt " + other, broken.Reason);
    }

    [Fact]
    public void A_digest_stated_beside_a_text_that_is_not_its_hash_breaks_the_proof_at_that_level()
    {
        var proof = ProofVector.Proof();
        var levels = proof.Levels.ToList();
        levels[2] = levels[2] with { Digest = new string('0', 64) };
        AssertBreaks(proof with { Levels = levels }, "35.79.01", Level.District, "stated beside it");
    }

    private static InclusionProof Edit(int level, Func<string, string> edit)
    {
        var proof = ProofVector.Proof();
        var levels = proof.Levels.ToList();
        var text = edit(levels[level].Text);
        Assert.NotEqual(levels[level].Text, text);
        // The stated digest follows the text, as a forger would make it: only the chain can tell.
        levels[level] = levels[level] with { Text = text, Digest = TallyDigest.Hash(text) };
        return proof with { Levels = levels };
    }

    private static void AssertBreaks(InclusionProof proof, string region, Level level, string why)
    {
        var broken = ProofCheck.Check(proof, Governor, publishedTop: ProofVector.ProvinceDigest);
        Assert.True(broken is not null, "the tampered proof holds");
        Assert.True((region, level) == (broken.Region, broken.Level), broken.ToString());
        Assert.Contains(why, broken.Reason);
    }
}
