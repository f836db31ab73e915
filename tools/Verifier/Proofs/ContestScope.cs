namespace KpuOrleans.Verifier.Proofs;

/// <summary>
/// A race's scope read from its id, for a saved proof checked without the contest list: API.md names every race by its
/// kind and its scope's code (<c>PGUB-35</c>, <c>PBUP-35.07</c>, <c>PWAL-35.78</c>). Online, the list's scope is used.
/// </summary>
public static class ContestScope
{
    /// <returns>Null when the id does not end in a region code.</returns>
    public static string? Of(string contest)
    {
        var dash = contest.LastIndexOf('-');
        var code = dash < 0 ? "" : contest[(dash + 1)..];
        return code.Length > 0 && code.Split('.').All(s => s.Length > 0 && s.All(char.IsAsciiDigit)) ? code : null;
    }
}
