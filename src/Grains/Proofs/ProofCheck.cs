using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Proofs;

/// <summary>
/// The server's own checker of an inclusion proof: API.md's "Checking a proof", steps 1–4, with every text read
/// strictly. The gateway runs it on every proof before sending it; a proof that fails names the level where it breaks.
/// </summary>
public static class ProofCheck
{
    /// <param name="receipt">The TPS digest the holder kept, if any: the counted form must be that one.</param>
    /// <param name="publishedTop">The digest the race's top publishes now (a live proof ends there); null: not compared.</param>
    /// <returns>Null when the proof holds.</returns>
    public static ProofBreak? Check(InclusionProof proof, Contest race, string? receipt = null, string? publishedTop = null)
    {
        var levels = proof.Levels;
        if (levels.Count == 0) return new ProofBreak(proof.Tps, Level.Tps, "the proof has no levels");
        var digests = levels.Select(l => TallyDigest.Hash(l.Text)).ToArray();

        var tps = levels[0];
        if (tps.Region != proof.Tps || tps.Level != Level.Tps) return new ProofBreak(proof.Tps, Level.Tps, $"the proof starts at {tps.Region}, not at the TPS");
        if (Canonical(tps, race, isTps: true) is { } notCanonical) return notCanonical;
        var tpsLines = ProofText.Read(tps.Text, race, tps: true).Lines!;
        if (tpsLines[0].Value != race.Id || tpsLines[1].Value != proof.Tps)
            return At(tps, $"its text is of {tpsLines[1].Value} in {tpsLines[0].Value}, not of {proof.Tps} in {race.Id}");
        if (receipt is not null && !string.Equals(receipt, digests[0], StringComparison.OrdinalIgnoreCase))
            return At(tps, $"the form counted is version {tpsLines[2].Value}, digest {digests[0]}, not the receipt {receipt}");

        for (var i = 1; i < levels.Count; i++)
        {
            var below = levels[i - 1];
            var parent = ParentOf(below.Region);
            if (levels[i].Region != parent) return new ProofBreak(parent, below.Level - 1, $"the path goes from {below.Region} to {levels[i].Region}, skipping its parent");
            if (Canonical(levels[i], race, isTps: false) is { } broken) return broken;
            var lines = ProofText.Read(levels[i].Text, race, tps: false).Lines!;
            if (lines[0].Value != race.Id || lines[1].Value != parent)
                return At(levels[i], $"its text is of {lines[1].Value} in {lines[0].Value}, not of {parent} in {race.Id}");
            var child = lines.FirstOrDefault(l => l.Name == "child" && ProofText.CodeOf(l.Value) == below.Region).Value;
            if (child != $"{below.Region} {digests[i - 1]}")
                return At(below, child is null
                    ? $"{parent} has no child line for it"
                    : $"its text hashes to {digests[i - 1]}, but {parent} commits to {child[(child.IndexOf(' ') + 1)..]}");
        }

        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i].Digest != digests[i]) return At(levels[i], $"its text hashes to {digests[i]}, not to the {levels[i].Digest} stated beside it");
            if (levels[i].Certified is { } seal && seal.Digest != digests[i])
                return At(levels[i], $"its text hashes to {digests[i]}, not to its certified digest {seal.Digest}");
        }

        var top = levels[^1];
        if (proof.AgainstCertificate)
        {
            if (top.Certified is null) return At(top, "the proof ends at a certificate, but none is shown here");
        }
        else if (top.Region != race.Scope)
        {
            return top.Region.Length < race.Scope.Length || top.Level <= Level.Province
                ? new ProofBreak(top.Region, top.Level, $"it is not the top of {race.Id}, {race.Scope}")
                : new ProofBreak(ParentOf(top.Region), top.Level - 1, $"the path ends at {top.Region}, below the top of {race.Id}");
        }
        else if (publishedTop is not null && publishedTop != digests[^1])
        {
            return At(top, $"its text hashes to {digests[^1]}, not to the published {publishedTop}");
        }
        return null;
    }

    private static ProofBreak? Canonical(ProofLevel level, Contest race, bool isTps) =>
        ProofText.Read(level.Text, race, isTps).Error is { } error ? At(level, "its text is not canonical: " + error) : null;

    private static ProofBreak At(ProofLevel level, string reason) => new(level.Region, level.Level, reason);

    private static string ParentOf(string code) => code.LastIndexOf('.') is var dot and > 0 ? code[..dot] : "";
}
