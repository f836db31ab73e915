using System.Text.Json;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Proofs;

/// <summary>
/// One level of a proof as API.md's "The proof" writes it. <paramref name="Digest"/> is what the server says the text
/// hashes to, given for reading: the checker hashes <paramref name="Text"/> itself.
/// </summary>
public sealed record ProofLevel(string Region, string Level, string? Name, string Digest, CertifiedMark? Certified, string Text);

/// <summary>
/// <c>GET /api/v1/proof/{contest}/{tps}</c>'s answer, read for its shape only: whether it proves anything is
/// <see cref="ProofCheck"/>'s to say.
/// </summary>
public sealed record InclusionProof(string Contest, string Tps, long Version, long LatestVersion, string Digest, string Against, IReadOnlyList<ProofLevel> Levels)
{
    public const string Live = "live";
    public const string Certificate = "certificate";

    /// <exception cref="EvidenceException">The text is not a proof of the documented shape (nothing can be checked then).</exception>
    public static InclusionProof Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var proof = document.RootElement;
            if (proof.ValueKind != JsonValueKind.Object) throw Shape(source, "not a JSON object");
            var against = Text(proof, "against", source);
            if (against is not (Live or Certificate)) throw Shape(source, $"\"against\" is \"{against}\", neither \"{Live}\" nor \"{Certificate}\"");
            if (!proof.TryGetProperty("levels", out var levels) || levels.ValueKind != JsonValueKind.Array)
                throw Shape(source, "\"levels\" is missing or not an array");
            return new InclusionProof(Text(proof, "contest", source), Text(proof, "tps", source), Whole(proof, "version", source),
                Whole(proof, "latestVersion", source), Text(proof, "digest", source), against,
                [.. levels.EnumerateArray().Select((level, i) => Level(level, $"{source}, levels[{i}]"))]);
        }
        catch (JsonException e)
        {
            throw new EvidenceException($"{source} is not JSON: {e.Message}");
        }
    }

    private static ProofLevel Level(JsonElement level, string where)
    {
        if (level.ValueKind != JsonValueKind.Object) throw Shape(where, "not an object");
        CertifiedMark? certified = null;
        if (level.TryGetProperty("certified", out var mark) && mark.ValueKind != JsonValueKind.Null)
        {
            if (mark.ValueKind != JsonValueKind.Object) throw Shape(where, "\"certified\" is neither null nor an object");
            certified = new CertifiedMark(Text(mark, "by", $"{where}.certified"), Text(mark, "at", $"{where}.certified"), Text(mark, "digest", $"{where}.certified"));
        }
        var name = level.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new ProofLevel(Text(level, "region", where), Text(level, "level", where), name, Text(level, "digest", where), certified, Text(level, "text", where));
    }

    private static string Text(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Shape(where, $"\"{name}\" is missing or not a string");

    private static long Whole(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw Shape(where, $"\"{name}\" is missing or not a whole number");

    private static EvidenceException Shape(string where, string why) => new($"{where} is not a proof as API.md describes it: {why}");
}
