using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Forms;

/// <summary>
/// <c>GET /api/v1/export/{contest}/photos.csv</c> (API.md, "Forms cite their photos"): <c>tps,version,photos</c>, one
/// row per TPS whose latest form cites pages, the pages space-separated. Kept apart from the forms' export, whose
/// columns stay as they were.
/// </summary>
public static class PhotoList
{
    /// <summary>
    /// The forms with the pages the list gives them: none for a TPS it does not list. A row for another version than
    /// the export's was read at another moment: it says nothing about the exported version, which is given none.
    /// </summary>
    /// <exception cref="EvidenceException">Not the list's shape.</exception>
    public static IReadOnlyList<FormRow> Attach(IReadOnlyList<FormRow> forms, string text, string source)
    {
        var lines = text.Split('\n');
        if (lines[0].TrimStart('\uFEFF').TrimEnd('\r') != "tps,version,photos")
            throw new EvidenceException($"{source}: the header is not tps,version,photos");
        var pages = new Dictionary<string, (long Version, string[] Pages)>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 3 || !long.TryParse(fields[1], out var version))
                throw new EvidenceException($"{source} line {i + 1}: expected tps,version,photos");
            pages[fields[0]] = (version, fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        return [.. forms.Select(form => form with
        {
            Photos = pages.TryGetValue(form.Tps, out var listed) && listed.Version == form.Version ? listed.Pages : [],
        })];
    }
}
