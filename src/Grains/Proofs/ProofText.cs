using System.Text.RegularExpressions;
using KpuOrleans.Registry;

namespace KpuOrleans.Proofs;

/// <summary>
/// Reads a level's text as API.md's "Digests" writes it, strictly: the header, every name in its place, numbers
/// without sign or leading zeros, one LF after each line and nothing else, and a region's <c>child</c> lines in
/// ordinal order of their codes. A text that hashes right but is not canonical is refused all the same: two texts must
/// never stand for one tally.
/// </summary>
public static partial class ProofText
{
    public const string TpsHeader = "kpu-orleans tps v1";
    public const string RegionHeader = "kpu-orleans region v1";

    /// <returns>The lines as (name, value) pairs, header excluded; or why the text is not canonical.</returns>
    public static (IReadOnlyList<(string Name, string Value)>? Lines, string? Error) Read(string text, Contest race, bool tps)
    {
        if (text.Length == 0 || text[^1] != '\n') return (null, "the text does not end with a line feed");
        var raw = text[..^1].Split('\n');
        if (raw[0] != (tps ? TpsHeader : RegionHeader)) return (null, $"the first line is not '{(tps ? TpsHeader : RegionHeader)}'");
        var expected = ExpectedNames(race, tps);
        var lines = new List<(string, string)>();
        for (var i = 1; i < raw.Length; i++)
        {
            var space = raw[i].IndexOf(' ');
            if (space <= 0) return (null, $"line {i + 1} is not 'name value'");
            var (name, value) = (raw[i][..space], raw[i][(space + 1)..]);
            var position = lines.Count;
            if (position < expected.Count)
            {
                if (name != expected[position]) return (null, $"line {i + 1} is '{name}' where '{expected[position]}' belongs");
                if (position >= 2 && !Number().IsMatch(value)) return (null, $"'{name}' is not a number without sign or leading zeros");
            }
            else if (tps || name != "child") return (null, $"line {i + 1} ('{name}') follows the last line of the text");
            else if (!Child().IsMatch(value)) return (null, $"line {i + 1} is not 'child <code> <64 lowercase hex>'");
            else if (position > expected.Count && string.CompareOrdinal(CodeOf(lines[^1].Item2), CodeOf(value)) >= 0)
                return (null, $"the child lines are not in ordinal order of their codes at line {i + 1}");
            lines.Add((name, value));
        }
        if (lines.Count < expected.Count) return (null, $"'{expected[lines.Count]}' is missing");
        if (!tps && lines.Count == expected.Count) return (null, "a region with a digest has at least one child line");
        return (lines, null);
    }

    /// <summary>The child's code of a <c>child</c> line's value.</summary>
    public static string CodeOf(string childValue) => childValue[..childValue.IndexOf(' ')];

    private static List<string> ExpectedNames(Contest race, bool tps)
    {
        var votes = race.Candidates.Select(c => "votes." + c.Number);
        return tps
            ? ["contest", "tps", "version", "registered", "voted.dpt", "voted.dptb", "voted.dpk", "ballots.received", "ballots.used",
                "ballots.spoiled", "ballots.unused", .. votes, "valid", "invalid"]
            : ["contest", "region", "version", .. votes, "valid", "invalid", "voted", "registeredReported", "tpsReported"];
    }

    [GeneratedRegex("^(0|[1-9][0-9]{0,17})$")]
    private static partial Regex Number();

    [GeneratedRegex("^[0-9.]+ [0-9a-f]{64}$")]
    private static partial Regex Child();
}
