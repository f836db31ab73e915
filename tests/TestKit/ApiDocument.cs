namespace KpuOrleans.TestKit;

/// <summary>docs/API.md as tests read it: the test vectors are taken from the document itself, not from a copy.</summary>
public static class ApiDocument
{
    /// <summary>The text of the first <c>```json</c> block after <paramref name="marker"/> (an HTML comment in the document).</summary>
    public static string JsonAfter(string marker)
    {
        var api = File.ReadAllText(Path.Combine(Repository.Root, "docs", "API.md"));
        var at = api.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"docs/API.md has no {marker}");
        var start = api.IndexOf("```json\n", at, StringComparison.Ordinal) + "```json\n".Length;
        var end = api.IndexOf("\n```", start, StringComparison.Ordinal);
        return api[start..end];
    }
}
