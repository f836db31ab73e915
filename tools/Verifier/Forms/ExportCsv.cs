using System.Globalization;
using System.Text;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Forms;

/// <summary>
/// The open-data export, <c>GET /api/v1/export/{contest}.csv</c>: a header naming the columns, then one row per TPS.
/// Columns are found by name, so a column added later does not break the reading; the ones API.md lists must all be
/// there, with one <c>votes_&lt;n&gt;</c> per ballot number of the contest and no other.
/// </summary>
public static class ExportCsv
{
    private static readonly string[] Before =
        ["tps", "version", "registered", "voted_dpt", "voted_dptb", "voted_dpk", "ballots_received", "ballots_used", "ballots_spoiled", "ballots_unused"];

    private static readonly string[] After = ["valid", "invalid", "accepted_at", "digest"];

    /// <summary>The header as the server writes it for <paramref name="contest"/>.</summary>
    public static string Header(ContestInfo contest) => string.Join(',', Columns(contest));

    /// <summary>
    /// A photos column, read when an export carries one (a copy edited by hand); the server lists pages apart, in
    /// <c>{contest}.photos.csv</c> (<see cref="PhotoList"/>).
    /// </summary>
    public const string PhotosColumn = "photos";

    /// <summary>A row as the server writes it (no line ending), e.g. to put a changed row back into a copy; with its photos column when it has one.</summary>
    public static string Format(FormRow row)
    {
        long[] numbers =
        [
            row.Version, row.Registered, row.VotedDpt, row.VotedDptb, row.VotedDpk,
            row.BallotsReceived, row.BallotsUsed, row.BallotsSpoiled, row.BallotsUnused, .. row.Votes, row.Valid, row.Invalid,
        ];
        string[] photos = row.Photos is null ? [] : [string.Join(' ', row.Photos)];
        return string.Join(',', [row.Tps, .. numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)), row.AcceptedAt, row.Digest, .. photos]);
    }

    public static IReadOnlyList<FormRow> Parse(string text, ContestInfo contest, string source) => Read(new StringReader(text), contest, source);

    /// <exception cref="EvidenceException">Not the export's shape: no header, a missing column, a row with a field too
    /// many or too few, a number that is not a whole number. Numbers out of the rules' range still read: they are
    /// differences to report, not unreadable input.</exception>
    public static IReadOnlyList<FormRow> Read(TextReader reader, ContestInfo contest, string source)
    {
        var header = reader.ReadLine() is { } first ? Split(first.TrimStart('\uFEFF')) : throw new EvidenceException($"{source} is empty: it has no header line");
        var at = Locate(header, contest, source);
        var photosAt = at.TryGetValue(PhotosColumn, out var column) ? column : (int?)null;
        var rows = new List<FormRow>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = Split(line);
            if (fields.Count != header.Count)
                throw new EvidenceException($"{source} line {lineNumber}: {fields.Count} fields, but the header names {header.Count}");
            long Number(string column)
            {
                var text = fields[at[column]];
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new EvidenceException($"{source} line {lineNumber}: {column} '{text}' is not a whole number");
            }
            rows.Add(new FormRow(fields[at["tps"]], Number("version"), Number("registered"),
                Number("voted_dpt"), Number("voted_dptb"), Number("voted_dpk"),
                Number("ballots_received"), Number("ballots_used"), Number("ballots_spoiled"), Number("ballots_unused"),
                [.. contest.Ballot.Select(n => Number($"votes_{n}"))], Number("valid"), Number("invalid"),
                fields[at["accepted_at"]], fields[at["digest"]], lineNumber,
                photosAt is { } p ? fields[p].Split(' ', StringSplitOptions.RemoveEmptyEntries) : null));
        }
        return rows;
    }

    private static IEnumerable<string> Columns(ContestInfo contest) => [.. Before, .. contest.Ballot.Select(n => $"votes_{n}"), .. After];

    private static Dictionary<string, int> Locate(IReadOnlyList<string> header, ContestInfo contest, string source)
    {
        var at = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (!at.TryAdd(header[i], i)) throw new EvidenceException($"{source}: the header names column '{header[i]}' twice");
        }
        var missing = Columns(contest).Where(c => !at.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new EvidenceException($"{source}: the header lacks {string.Join(", ", missing)} (the ballot of {contest.Id} is {string.Join(",", contest.Ballot)})");
        var wanted = contest.Ballot.Select(n => $"votes_{n}").ToHashSet(StringComparer.Ordinal);
        var stray = header.Where(c => c.StartsWith("votes_", StringComparison.Ordinal) && !wanted.Contains(c)).ToList();
        if (stray.Count > 0)
            throw new EvidenceException($"{source}: {string.Join(", ", stray)} is no ballot number of {contest.Id} (its ballot is {string.Join(",", contest.Ballot)})");
        return at;
    }

    /// <summary>RFC 4180 fields of one line: commas separate, double quotes may enclose a field ("" is a quote).
    /// The server quotes nothing, but a copy that went through a spreadsheet may.</summary>
    internal static IReadOnlyList<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') field.Append(line[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
