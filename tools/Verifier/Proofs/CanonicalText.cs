using System.Text.RegularExpressions;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Proofs;

/// <summary>What a canonical text says that a proof's check needs: whose it is, and (a region's) its children.</summary>
public sealed record CanonicalFigures(string Contest, string Code, long Version, IReadOnlyList<string> Ballot, IReadOnlyList<(string Code, string Digest)> Children);

/// <summary>
/// Reads a text against API.md's "Digests" to the letter: the header, every name in its place, numbers in base 10
/// without sign or leading zeros, one space between name and value, every line ended by one LF, and a region's
/// <c>child</c> lines in ordinal order of their codes. Ballot numbers are in ballot order, ascending.
/// </summary>
public static partial class CanonicalText
{
    public const string TpsHeader = "kpu-orleans tps v1";
    public const string RegionHeader = "kpu-orleans region v1";

    private static readonly string[] TpsFigures =
        ["registered", "voted.dpt", "voted.dptb", "voted.dpk", "ballots.received", "ballots.used", "ballots.spoiled", "ballots.unused"];

    private static readonly string[] RegionTotals = ["voted", "registeredReported", "tpsReported"];

    /// <exception cref="NotCanonicalException">Where the text departs from the encoding.</exception>
    public static CanonicalFigures ParseTps(string text)
    {
        var lines = new Lines(text);
        lines.Header(TpsHeader);
        var contest = lines.Value("contest");
        var tps = lines.Code("tps");
        var version = lines.Number("version");
        foreach (var name in TpsFigures) lines.Number(name);
        var ballot = lines.Votes();
        lines.Number("valid");
        lines.Number("invalid");
        lines.End();
        return new CanonicalFigures(contest, tps, version, ballot, []);
    }

    /// <exception cref="NotCanonicalException">Where the text departs from the encoding.</exception>
    public static CanonicalFigures ParseRegion(string text)
    {
        var lines = new Lines(text);
        lines.Header(RegionHeader);
        var contest = lines.Value("contest");
        var region = lines.Code("region");
        var version = lines.Number("version");
        var ballot = lines.Votes();
        lines.Number("valid");
        lines.Number("invalid");
        foreach (var name in RegionTotals) lines.Number(name);
        var children = lines.Children(region);
        return new CanonicalFigures(contest, region, version, ballot, children);
    }

    [GeneratedRegex("^(0|[1-9][0-9]*)$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    private sealed class Lines
    {
        private readonly string[] _lines;
        private int _next;

        public Lines(string text)
        {
            if (text.Length == 0) throw new NotCanonicalException("it is empty");
            if (!text.EndsWith('\n')) throw new NotCanonicalException("its last line is not ended by a LF");
            _lines = text[..^1].Split('\n');
        }

        private string Where => $"line {_next + 1}";

        public void Header(string header)
        {
            if (Peek() != header) throw new NotCanonicalException($"{Where} is \"{Peek()}\", not the header \"{header}\"");
            _next++;
        }

        /// <summary>The value of the next line, which must be <c>{name} {value}</c>, one space, nothing else around.</summary>
        public string Value(string name)
        {
            var line = Peek() ?? throw new NotCanonicalException($"it ends where the line \"{name} ...\" belongs");
            if (!line.StartsWith(name + " ", StringComparison.Ordinal))
                throw new NotCanonicalException($"{Where} is \"{line}\" where \"{name} ...\" belongs");
            var value = line[(name.Length + 1)..];
            if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                throw new NotCanonicalException($"{Where} \"{line}\" is not \"{name}\", one space and a value");
            _next++;
            return value;
        }

        public string Code(string name)
        {
            var value = Value(name);
            return CodePattern().IsMatch(value) ? value : throw new NotCanonicalException($"line {_next} \"{name} {value}\": not a region code");
        }

        public long Number(string name)
        {
            var value = Value(name);
            if (!NumberPattern().IsMatch(value) || !long.TryParse(value, out var number))
                throw new NotCanonicalException($"line {_next} \"{name} {value}\": not a number in base 10 without sign, leading zeros or separators");
            return number;
        }

        /// <summary>One <c>votes.{n}</c> line per ballot number, at least one, in ballot order.</summary>
        public IReadOnlyList<string> Votes()
        {
            var ballot = new List<string>();
            while (Peek() is { } line && line.StartsWith("votes.", StringComparison.Ordinal))
            {
                var number = line["votes.".Length..].Split(' ')[0];
                if (!NumberPattern().IsMatch(number) || number == "0")
                    throw new NotCanonicalException($"{Where} \"{line}\": \"{number}\" is not a ballot number");
                if (ballot.Count > 0 && Compare(number, ballot[^1]) <= 0)
                    throw new NotCanonicalException($"{Where} \"{line}\" comes after votes.{ballot[^1]}: ballot numbers are written in ballot order");
                Number($"votes.{number}");
                ballot.Add(number);
            }
            return ballot.Count > 0 ? ballot : throw new NotCanonicalException($"{Where} is \"{Peek()}\" where the first \"votes.1 ...\" belongs");
        }

        /// <summary>The rest: at least one <c>child {code} {digest}</c>, each a child of <paramref name="region"/>, in ordinal order of the codes.</summary>
        public IReadOnlyList<(string Code, string Digest)> Children(string region)
        {
            var children = new List<(string Code, string Digest)>();
            while (Peek() is not null)
            {
                var line = Peek()!;
                var parts = line.Split(' ');
                if (parts is not ["child", var code, var digest])
                    throw new NotCanonicalException($"{Where} is \"{line}\" where a \"child <code> <digest>\" line or the end belongs");
                if (RegionCode.Parent(code) != region || !CodePattern().IsMatch(code))
                    throw new NotCanonicalException($"{Where} \"{line}\": {code} is not a child of {region}");
                if (!DigestPattern().IsMatch(digest)) throw new NotCanonicalException($"{Where} \"{line}\": not a lowercase 64-hex digest");
                if (children.Count > 0 && string.CompareOrdinal(code, children[^1].Code) <= 0)
                    throw new NotCanonicalException($"{Where} \"child {code} ...\" comes after \"child {children[^1].Code} ...\": child lines are in ordinal order of their codes");
                children.Add((code, digest));
                _next++;
            }
            return children.Count > 0 ? children : throw new NotCanonicalException("it has no child line (a region with a digest has at least one)");
        }

        public void End()
        {
            if (Peek() is { } line) throw new NotCanonicalException($"{Where} \"{line}\" follows the last line of a TPS text");
        }

        private string? Peek() => _next < _lines.Length ? _lines[_next] : null;

        private static int Compare(string a, string b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}

/// <summary>Where a text departs from API.md's encoding, in words that finish "its text is not canonical: ...".</summary>
public sealed class NotCanonicalException(string why) : Exception(why);
