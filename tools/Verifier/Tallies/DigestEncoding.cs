using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Tallies;

/// <summary>
/// API.md's "Digests", written from the document alone: lowercase hex SHA-256 of UTF-8 text made of
/// <c>name value</c> lines, each ended by one LF.
/// </summary>
public static class DigestEncoding
{
    /// <summary>The text a TPS's digest hashes: the form's numbers, ballot numbers in ballot order.</summary>
    public static string TpsText(ContestInfo contest, FormRow row)
    {
        var text = new StringBuilder("kpu-orleans tps v1\n");
        Line(text, "contest", contest.Id);
        Line(text, "tps", row.Tps);
        Line(text, "version", row.Version);
        Line(text, "registered", row.Registered);
        Line(text, "voted.dpt", row.VotedDpt);
        Line(text, "voted.dptb", row.VotedDptb);
        Line(text, "voted.dpk", row.VotedDpk);
        Line(text, "ballots.received", row.BallotsReceived);
        Line(text, "ballots.used", row.BallotsUsed);
        Line(text, "ballots.spoiled", row.BallotsSpoiled);
        Line(text, "ballots.unused", row.BallotsUnused);
        for (var i = 0; i < contest.Ballot.Count; i++) Line(text, $"votes.{contest.Ballot[i]}", row.Votes[i]);
        Line(text, "valid", row.Valid);
        Line(text, "invalid", row.Invalid);
        return text.ToString();
    }

    public static string OfForm(ContestInfo contest, FormRow row) => Hash(TpsText(contest, row));

    /// <summary>
    /// The text a region's digest hashes: its own totals, then one <c>child</c> line per child that has a digest, in
    /// ordinal order of the child's code. The digest in <paramref name="totals"/> is not used.
    /// </summary>
    public static string RegionText(ContestInfo contest, string region, TallyFigures totals, IEnumerable<(string Code, string? Digest)> children)
    {
        var text = new StringBuilder("kpu-orleans region v1\n");
        Line(text, "contest", contest.Id);
        Line(text, "region", region);
        Line(text, "version", totals.Version);
        for (var i = 0; i < contest.Ballot.Count; i++) Line(text, $"votes.{contest.Ballot[i]}", totals.Votes[i]);
        Line(text, "valid", totals.Valid);
        Line(text, "invalid", totals.Invalid);
        Line(text, "voted", totals.Voted);
        Line(text, "registeredReported", totals.RegisteredReported);
        Line(text, "tpsReported", totals.TpsReported);
        foreach (var (code, digest) in children.Where(c => c.Digest is not null).OrderBy(c => c.Code, StringComparer.Ordinal))
            Line(text, "child", $"{code} {digest}");
        return text.ToString();
    }

    /// <returns>Null when no child has a digest: nothing is accepted below the region.</returns>
    public static string? OfRegion(ContestInfo contest, string region, TallyFigures totals, IReadOnlyCollection<(string Code, string? Digest)> children) =>
        children.Any(c => c.Digest is not null) ? Hash(RegionText(contest, region, totals, children)) : null;

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void Line(StringBuilder text, string name, long value) => Line(text, name, value.ToString(CultureInfo.InvariantCulture));

    private static void Line(StringBuilder text, string name, string value) => text.Append(name).Append(' ').Append(value).Append('\n');
}
