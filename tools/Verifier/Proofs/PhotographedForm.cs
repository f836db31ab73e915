using System.Text.Json;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Proofs;

/// <summary>
/// A form as someone holds it (the numbers of a photographed C.Hasil, in <c>POST /api/v1/results</c>'s shape), turned
/// into the TPS text its digest would hash (API.md, "Digests"): ballot numbers in ballot order, which is their
/// ascending order. <c>reason</c>, <c>photoSha256</c> and anything else the digest does not commit to are ignored.
/// </summary>
public sealed record PhotographedForm(string Contest, string Tps, string Text)
{
    /// <exception cref="EvidenceException">The file cannot be read or is not a form of that shape.</exception>
    public static PhotographedForm Read(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException($"cannot read the form {file}: {e.Message}");
        }
        return Parse(json, file);
    }

    public static PhotographedForm Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var form = document.RootElement;
            if (form.ValueKind != JsonValueKind.Object) throw NotAForm(source, "not a JSON object");
            var votes = Object(form, "votes", source);
            var ballot = votes.EnumerateObject().Select(v => v.Name).ToList();
            if (ballot.Count == 0 || ballot.Any(n => n.Length == 0 || n[0] == '0' || !n.All(char.IsAsciiDigit)))
                throw NotAForm(source, "\"votes\" must map ballot numbers (\"1\", \"2\", ...) to numbers");
            ballot.Sort((a, b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b));
            var (contest, tps) = (Str(form, "contest", source), Str(form, "tps", source));
            var (voted, ballots) = (Object(form, "voted", source), Object(form, "ballots", source));
            var row = new FormRow(tps, Number(form, "version", source), Number(form, "registered", source),
                Number(voted, "dpt", source), Number(voted, "dptb", source), Number(voted, "dpk", source),
                Number(ballots, "received", source), Number(ballots, "used", source), Number(ballots, "spoiled", source), Number(ballots, "unused", source),
                [.. ballot.Select(n => Number(votes, n, source))], Number(form, "valid", source), Number(form, "invalid", source), "", "");
            var info = new ContestInfo(contest, "", "", "", ballot);
            return new PhotographedForm(contest, tps, DigestEncoding.TpsText(info, row));
        }
        catch (JsonException e)
        {
            throw new EvidenceException($"the form {source} is not JSON: {e.Message}");
        }
    }

    private static JsonElement Object(JsonElement parent, string name, string source) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : throw NotAForm(source, $"\"{name}\" is missing or not an object");

    private static string Str(JsonElement parent, string name, string source) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw NotAForm(source, $"\"{name}\" is missing or not a string");

    private static long Number(JsonElement parent, string name, string source) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0
            ? n
            : throw NotAForm(source, $"\"{name}\" is missing or not a whole number of 0 or more");

    private static EvidenceException NotAForm(string source, string why) =>
        new($"the form {source} is not a form as POST /api/v1/results takes it: {why}");
}
