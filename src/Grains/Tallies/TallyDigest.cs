using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Tallies;

/// <summary>
/// The digests of API.md ("Digests"): SHA-256 of a canonical text, lowercase hex. A TPS's commits to its latest
/// accepted form; a region's to its own totals and its children's digests, so the province's commits to every form.
/// The text is spelled out line by line so that a verifier in any language can be written from API.md alone.
/// </summary>
public static class TallyDigest
{
    public static string OfForm(ResultForm form, Contest contest) => Hash(FormText(form, contest));

    /// <summary>The text a TPS's digest hashes, as an inclusion proof shows it (API.md, "Receipts and inclusion proofs").</summary>
    public static string FormText(ResultForm form, Contest contest)
    {
        var text = new Canonical("kpu-orleans tps v1")
            .Line("contest", form.Contest)
            .Line("tps", form.Tps)
            .Line("version", form.Version)
            .Line("registered", form.Registered)
            .Line("voted.dpt", form.Voted.Dpt)
            .Line("voted.dptb", form.Voted.Dptb)
            .Line("voted.dpk", form.Voted.Dpk)
            .Line("ballots.received", form.Ballots.Received)
            .Line("ballots.used", form.Ballots.Used)
            .Line("ballots.spoiled", form.Ballots.Spoiled)
            .Line("ballots.unused", form.Ballots.Unused);
        foreach (var candidate in contest.Candidates) text.Line("votes." + candidate.Number, form.Votes[candidate.Number]);
        return text.Line("valid", form.Valid).Line("invalid", form.Invalid).ToString();
    }

    /// <param name="children">Every child with a digest, in any order; those without one are left out.</param>
    /// <returns>Null while nothing is accepted below the region.</returns>
    public static string? OfRegion(Contest contest, string region, Tally tally, IEnumerable<(string Code, string? Digest)> children) =>
        RegionText(contest, region, tally, children) is { } text ? Hash(text) : null;

    /// <summary>The text a region's digest hashes; null while nothing is accepted below it.</summary>
    public static string? RegionText(Contest contest, string region, Tally tally, IEnumerable<(string Code, string? Digest)> children)
    {
        var counted = children.Where(c => c.Digest is not null).OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
        if (counted.Count == 0) return null;
        var text = new Canonical("kpu-orleans region v1")
            .Line("contest", contest.Id)
            .Line("region", region)
            .Line("version", tally.Version);
        for (var i = 0; i < contest.Candidates.Count; i++) text.Line("votes." + contest.Candidates[i].Number, tally.Votes[i]);
        text.Line("valid", tally.Valid)
            .Line("invalid", tally.Invalid)
            .Line("voted", tally.Voted)
            .Line("registeredReported", tally.RegisteredReported)
            .Line("tpsReported", tally.TpsReported);
        foreach (var (code, digest) in counted) text.Line("child", $"{code} {digest}");
        return text.ToString();
    }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed class Canonical
    {
        private readonly StringBuilder _text = new();

        public Canonical(string header) => _text.Append(header).Append('\n');

        public Canonical Line(string name, long value) => Line(name, value.ToString(CultureInfo.InvariantCulture));

        public Canonical Line(string name, string value)
        {
            _text.Append(name).Append(' ').Append(value).Append('\n');
            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
