using System.Diagnostics.CodeAnalysis;

namespace KpuOrleans.Registry;

/// <summary>
/// A code of the region tree, in the dotted Kemendagri shape: <c>35</c> (province), <c>35.78</c> (regency),
/// <c>35.78.01</c> (district), <c>35.78.01.1001</c> (village), <c>35.78.01.1001.001</c> (TPS). Every segment has a
/// fixed number of digits per level (2, 2, 2, 4, 3), so a code's level is its length and an ancestor is a prefix
/// ending at a dot. Ancestry is decided on whole segments, never on a bare string prefix: that is the one rule the
/// places that sliced codes by hand each had to remember. Above the provinces stands <see cref="Nation"/>, code
/// <c>0</c> (as in KPU's Sirekap feed, where <c>0</c> is the national level): every code is within it.
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.RegionCode")]
public readonly record struct RegionCode
{
    private static readonly int[] SegmentDigits = [2, 2, 2, 4, 3];

    // The length of a code at each level, separators included: 2, 5, 8, 13, 17.
    private static readonly int[] LengthAt = [.. SegmentDigits.Select((_, i) => SegmentDigits[..(i + 1)].Sum() + i)];

    private RegionCode(string value) => Value = value;

    public const string NationCode = "0";

    public static RegionCode Nation { get; } = new(NationCode);

    [Id(0)]
    public string Value { get; }

    public Level Level => Value == NationCode ? Level.Nation : (Level)Array.IndexOf(LengthAt, Value.Length);

    /// <summary>The region one level up; null for a province.</summary>
    public RegionCode? Parent => Level <= Level.Province ? null : AncestorAt(Level - 1);

    /// <summary>True for this code itself and for every code below it.</summary>
    public bool IsWithin(RegionCode ancestor) =>
        ancestor.Value == NationCode
        || Value.StartsWith(ancestor.Value, StringComparison.Ordinal)
        && (Value.Length == ancestor.Value.Length || Value[ancestor.Value.Length] == '.');

    /// <summary>This code's ancestor at <paramref name="level"/> (itself at its own level).</summary>
    public RegionCode AncestorAt(Level level) =>
        level == Level.Nation ? Nation
        : level <= Level && level >= Level.Province ? new(Value[..LengthAt[(int)level]])
            : throw new ArgumentOutOfRangeException(nameof(level), $"{Value} is a {Level}: it has no ancestor at {level} level");

    /// <summary>
    /// The bounds of the codes strictly below this one, for a range scan over keys ordered by ordinal (byte, or
    /// PostgreSQL <c>COLLATE "C"</c>) comparison: a code lies below if and only if <c>From &lt;= code &lt; To</c>.
    /// </summary>
    /// <remarks>
    /// Every code below starts with this code and a dot. '/' is the character right after '.' in byte order, so every
    /// such code sorts before <c>To</c>, and anything in the range agrees with this code up to its end and then has a
    /// character from '.' up to, not including, '/': a dot. A sibling that shares digits (<c>35.7</c> against
    /// <c>35.78</c>) has a digit there, above '/', and falls outside. The code itself sorts before <c>From</c>.
    /// Below the nation lies every code: each starts with two digits, from <c>00</c> up to, not including, ':' (the
    /// character after '9').
    /// </remarks>
    public (string From, string To) KeysBelow => Value == NationCode ? ("00", ":") : (Value + ".", Value + "/");

    public static RegionCode Parse(string text) =>
        TryParse(text, out var code) ? code
            : throw new FormatException($"'{text}' is not a region code: dotted digits 2, 2.2, 2.2.2, 2.2.2.4 or 2.2.2.4.3 long (e.g. 35.78.01.1001.001)");

    public static bool TryParse([NotNullWhen(true)] string? text, out RegionCode code)
    {
        code = default;
        if (text == NationCode)
        {
            code = Nation;
            return true;
        }
        if (text is null || Array.IndexOf(LengthAt, text.Length) < 0) return false;
        var next = 0;
        foreach (var digits in SegmentDigits)
        {
            if (next > 0 && text[next - 1] != '.') return false;
            for (var i = next; i < next + digits; i++)
            {
                if (!char.IsAsciiDigit(text[i])) return false;
            }
            next += digits + 1;
            if (next > text.Length) break;
        }
        code = new RegionCode(text);
        return true;
    }

    public override string ToString() => Value;
}
