namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// Kemendagri codes as API.md writes them: <c>35</c>, <c>35.78</c>, <c>35.78.01</c>, <c>35.78.01.1001</c>, and a TPS
/// as its village plus a number, <c>35.78.01.1001.004</c>. The tree is in the codes themselves, so the verifier
/// needs no registry: a code's parent is the code without its last segment.
/// </summary>
public static class RegionCode
{
    public const int TpsDepth = 5;

    public static int Depth(string code) => code.Count(c => c == '.') + 1;

    /// <returns>Null for a code without a parent (the province).</returns>
    public static string? Parent(string code) => code.LastIndexOf('.') is var dot and > 0 ? code[..dot] : null;

    public static bool IsWithin(string code, string ancestor) =>
        code == ancestor || code.StartsWith(ancestor + ".", StringComparison.Ordinal);

    public static bool IsTps(string code) =>
        Depth(code) == TpsDepth && code.Split('.').All(segment => segment.Length > 0 && segment.All(char.IsAsciiDigit));

    public static string Level(string code) => Depth(code) switch
    {
        1 => "province",
        2 => "regency",
        3 => "district",
        4 => "village",
        TpsDepth => "tps",
        _ => "region",
    };
}
