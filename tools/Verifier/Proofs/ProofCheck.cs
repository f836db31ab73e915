using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Proofs;

/// <summary>What is asked: whose form, and what of it is held (a receipt, or the photographed form's text).</summary>
/// <param name="Scope">The race's scope: where a live proof must end.</param>
public sealed record ProofQuestion(string Contest, string Tps, string Scope, string? Receipt, PhotographedForm? Form);

/// <summary>
/// What the published side says, to confirm the top against; each part null when it was not read (a saved proof).
/// </summary>
/// <param name="TopDigests">The digests the top may have: the scope's published one read before and after the proof, or <c>--top</c>.</param>
/// <param name="TopSource">Where <paramref name="TopDigests"/> came from, for the output.</param>
/// <param name="CertificatesInForce">Region → the digest of its certificate in force, from <c>certificates.json</c>.</param>
/// <param name="CertificateEnd">The region a proof against a certificate must reach: the highest on the path with one in force, or the one asked for.</param>
public sealed record PublishedSide(IReadOnlyList<string>? TopDigests, string TopSource, IReadOnlyDictionary<string, string>? CertificatesInForce = null,
    string? CertificateEnd = null)
{
    public static readonly PublishedSide Unknown = new(null, "");
}

/// <summary>
/// API.md's "Checking a proof", bottom up, the first failing step naming the level where the proof breaks: (1) hash
/// every text; (2) the TPS level is the form asked about; (3) each level above commits to the one below; (4) the last
/// level is where the proof should end and is the published (or certified) digest. As a stricter checker it also reads
/// each text as canonical, and holds the proof's own fields (regions, levels, stated digests) to the texts.
/// </summary>
public static class ProofCheck
{
    public static ProofVerdict Run(InclusionProof proof, ProofQuestion question, PublishedSide published)
    {
        var levels = proof.Levels;
        var d = levels.Select(l => DigestEncoding.Hash(l.Text)).ToList();
        var lines = levels.Select((l, i) => new LevelLine(l.Region, RegionCode.Level(l.Region), l.Name, d[i], Mark.Unchecked, Certified(l))).ToList();
        var verdict = new Verdict(question, proof, lines);

        if (levels.Count == 0) return verdict.Missing(question.Tps, "the proof holds no level");
        // Named as the TPS asked: the proof's first level may be of another.
        if (TpsLevel(proof, question, d[0]) is { } tps) return verdict.Break(0, tps, region: question.Tps);
        lines[0] = lines[0] with { Mark = Mark.Ticked, Note = Join(question.Receipt is not null ? "your receipt" : "your form", lines[0].Note) };
        IReadOnlyList<string> ballot = CanonicalText.ParseTps(levels[0].Text).Ballot;

        for (var i = 1; i < levels.Count; i++)
        {
            if (Commits(levels[i], levels[i - 1].Region, d[i - 1], question.Contest) is { } below) return verdict.Break(i - 1, below);
            if (Region(levels[i], levels[i - 1].Region, d[i], question.Contest, ballot) is { } own) return verdict.Break(i, own);
            lines[i] = lines[i] with { Mark = Mark.Ticked };
        }
        return proof.Against == InclusionProof.Live ? EndLive(verdict, question, published, d) : EndCertified(verdict, proof, published, d);
    }

    /// <summary>Step 2, and the TPS text read as canonical; the why when the counted form is not the one held.</summary>
    private static string? TpsLevel(InclusionProof proof, ProofQuestion question, string d0)
    {
        var level = proof.Levels[0];
        if (proof.Contest != question.Contest) return $"the proof is of contest {proof.Contest}, not {question.Contest}";
        if (proof.Tps != question.Tps || level.Region != question.Tps) return $"the proof is of TPS {proof.Tps} starting at {level.Region}, not of {question.Tps}";
        if (!level.Text.StartsWith(CanonicalText.TpsHeader + "\n", StringComparison.Ordinal)) return $"its text does not begin \"{CanonicalText.TpsHeader}\"";
        CanonicalFigures figures;
        try
        {
            figures = CanonicalText.ParseTps(level.Text);
        }
        catch (NotCanonicalException e)
        {
            return $"its text is not canonical: {e.Message}";
        }
        if (figures.Contest != question.Contest) return $"its text's contest line is \"contest {figures.Contest}\", not \"contest {question.Contest}\"";
        if (figures.Code != question.Tps) return $"its text's tps line is \"tps {figures.Code}\", not \"tps {question.Tps}\"";
        if (question.Receipt is { } receipt && d0 != receipt)
            return $"the counted form (version {figures.Version}) hashes to {d0}, not to your receipt {receipt}: it is not the form you hold";
        if (question.Form is { } form && form.Text != level.Text)
            return $"the counted form is not the one you hold: {FirstDifference(level.Text, form.Text)}";
        if (level.Level != "tps") return $"the proof calls it a {level.Level}";
        if (level.Digest != d0) return $"its text hashes to {d0}, not to the digest the proof states ({level.Digest})";
        if (proof.Digest != d0 || proof.Version != figures.Version)
            return $"the proof says it counts version {proof.Version} with digest {proof.Digest}, but its TPS text is version {figures.Version}, hashing to {d0}";
        return null;
    }

    /// <summary>Step 3 for the level below: the text of <paramref name="parent"/> commits to it. The why names the level below.</summary>
    private static string? Commits(ProofLevel parent, string child, string childDigest, string contest)
    {
        var expected = RegionCode.Parent(child);
        if (expected is null) return $"the proof goes on above it (to {parent.Region}), but nothing is above {child}";
        var textLines = parent.Text.Split('\n');
        if (textLines[0] != CanonicalText.RegionHeader) return $"the level above it ({parent.Region}) has no text beginning \"{CanonicalText.RegionHeader}\"";
        if (textLines.Length < 3 || textLines[1] != $"contest {contest}" || textLines[2] != $"region {expected}")
            return $"the level above it is not the text of {expected} in {contest} (its second and third lines must be \"contest {contest}\" and \"region {expected}\")";
        var line = $"child {child} {childDigest}";
        if (Array.IndexOf(textLines, line, 3) < 0)
            return $"its text hashes to {childDigest}, which {expected} does not commit to (no line \"{line}\"" +
                   (textLines.FirstOrDefault(l => l.StartsWith($"child {child} ", StringComparison.Ordinal)) is { } other ? $"; it has \"{other}\")" : ")");
        return null;
    }

    /// <summary>The stricter reading of a region level: its text canonical and of one ballot, its fields what its text says.</summary>
    private static string? Region(ProofLevel level, string child, string d, string contest, IReadOnlyList<string> ballot)
    {
        CanonicalFigures figures;
        try
        {
            figures = CanonicalText.ParseRegion(level.Text);
        }
        catch (NotCanonicalException e)
        {
            return $"its text is not canonical: {e.Message}";
        }
        if (!figures.Ballot.SequenceEqual(ballot))
            return $"its text counts ballot numbers {string.Join(",", figures.Ballot)}, the TPS's {string.Join(",", ballot)}";
        if (level.Region != figures.Code) return $"the proof names it {level.Region}, its text {figures.Code}";
        if (level.Level != RegionCode.Level(figures.Code)) return $"the proof calls it a {level.Level}, its code is a {RegionCode.Level(figures.Code)}'s";
        if (level.Digest != d) return $"its text hashes to {d}, not to the digest the proof states ({level.Digest})";
        return figures.Contest == contest && RegionCode.Parent(child) == figures.Code ? null : $"it is not {RegionCode.Parent(child)} in {contest}";
    }

    /// <summary>Step 4, live: the last level is the race's scope and its digest is the published one.</summary>
    private static ProofVerdict EndLive(Verdict verdict, ProofQuestion question, PublishedSide published, IReadOnlyList<string> d)
    {
        var n = d.Count - 1;
        var top = verdict.Proof.Levels[n].Region;
        if (top != question.Scope)
        {
            return RegionCode.IsWithin(top, question.Scope)
                ? verdict.Missing(RegionCode.Parent(top)!, $"missing: the proof ends at {top}, below the race's scope {question.Scope}")
                : verdict.Break(n, $"the proof goes on above the race's scope {question.Scope}");
        }
        if (published.TopDigests is null) return verdict.Unconfirmed(n, InclusionProof.Live);
        if (!published.TopDigests.Contains(d[n]))
            return verdict.Break(n, $"its text hashes to {d[n]}, not to the published digest ({published.TopSource}: {string.Join(", ", published.TopDigests.Distinct())})",
                retriable: true);
        return verdict.Inside(n, InclusionProof.Live, $"the published digest, {published.TopSource}");
    }

    /// <summary>Step 4, against a certificate: every certified level's digest is its certificate's, and the last level is certified where it should be.</summary>
    private static ProofVerdict EndCertified(Verdict verdict, InclusionProof proof, PublishedSide published, IReadOnlyList<string> d)
    {
        var levels = proof.Levels;
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i].Certified is not { } mark) continue;
            if (mark.Digest != d[i]) return verdict.Break(i, $"its text hashes to {d[i]}, not to the digest of its certificate ({mark})");
            if (published.CertificatesInForce is { } register && (!register.TryGetValue(levels[i].Region, out var inForce) || inForce != d[i]))
            {
                return verdict.Break(i, register.TryGetValue(levels[i].Region, out var other)
                    ? $"the certificate in force for it ({published.TopSource}) has digest {other}, not {d[i]}"
                    : $"no certificate of it is in force ({published.TopSource})");
            }
        }
        var n = levels.Count - 1;
        var top = levels[n].Region;
        if (levels[n].Certified is null) return verdict.Break(n, "the proof is against a certificate, but its last level carries none");
        if (published.CertificateEnd is { } end && end != top && RegionCode.IsWithin(top, end))
            return verdict.Missing(RegionCode.Parent(top)!, $"missing: the proof ends at {top}'s certificate, below {end}'s, which is in force on the path");
        if (published.TopDigests is { } digests && !digests.Contains(d[n]))
            return verdict.Break(n, $"its text hashes to {d[n]}, not to the certified digest ({published.TopSource}: {string.Join(", ", digests)})");
        if (published.TopDigests is null && published.CertificatesInForce is null) return verdict.Unconfirmed(n, InclusionProof.Certificate);
        return verdict.Inside(n, InclusionProof.Certificate, $"the certified digest, {published.TopSource}");
    }

    private static string? Certified(ProofLevel level) => level.Certified is { } mark ? $"certified by {mark.By} at {mark.At}" : null;

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}, {b}";

    /// <summary>The first lines where the counted text and the held one part, as "name: counted x, yours y".</summary>
    private static string FirstDifference(string counted, string held)
    {
        var (a, b) = (counted.Split('\n'), held.Split('\n'));
        var differences = new List<string>();
        for (var i = 0; i < Math.Max(a.Length, b.Length) && differences.Count < 3; i++)
        {
            var (x, y) = (i < a.Length ? a[i] : "", i < b.Length ? b[i] : "");
            if (x == y) continue;
            var (nx, ny) = (x.Split(' ')[0], y.Split(' ')[0]);
            differences.Add(nx == ny ? $"{nx} {x[(nx.Length + 1)..]} counted, {y[(ny.Length + 1)..]} on yours" : $"line {i + 1} \"{x}\" counted, \"{y}\" on yours");
        }
        return string.Join("; ", differences);
    }

    /// <summary>The lines being marked, and the verdict they end in.</summary>
    private sealed class Verdict(ProofQuestion question, InclusionProof proof, List<LevelLine> lines)
    {
        public InclusionProof Proof => proof;

        public ProofVerdict Break(int i, string why, bool retriable = false, string? region = null)
        {
            lines[i] = lines[i] with { Mark = Mark.Broken };
            return new ProofVerdict(question, proof, lines, new ProofBreak(region ?? lines[i].Region, why), Against: null, Retriable: retriable);
        }

        /// <summary>A level the proof should hold and does not: shown above the last one it has.</summary>
        public ProofVerdict Missing(string region, string why)
        {
            lines.Add(new LevelLine(region, RegionCode.Level(region), null, null, Mark.Missing, "missing"));
            return new ProofVerdict(question, proof, lines, new ProofBreak(region, why), Against: null);
        }

        public ProofVerdict Unconfirmed(int n, string against)
        {
            lines[n] = lines[n] with { Mark = Mark.Unconfirmed, Note = Join(lines[n].Note, "not confirmed against the published digest") };
            return new ProofVerdict(question, proof, lines, null, against, Confirmed: false);
        }

        public ProofVerdict Inside(int n, string against, string confirmedBy)
        {
            lines[n] = lines[n] with { Mark = Mark.Ticked, Note = Join(lines[n].Note, confirmedBy) };
            return new ProofVerdict(question, proof, lines, null, against);
        }
    }
}
