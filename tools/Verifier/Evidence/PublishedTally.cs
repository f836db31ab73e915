using System.Text.Json;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// A tally object as the API published it (<c>GET /api/v1/tally/...</c> and its <c>children</c> list), reduced to
/// what the forms decide, and the certificate it claims. <paramref name="Votes"/> is by ballot number, as published, so
/// that a missing or stray number shows. <paramref name="Certified"/> is null when the tally shows no certificate in
/// force (<c>"certified": null</c>, or no such field: a server from before certification).
/// </summary>
public sealed record PublishedTally(
    string Region,
    string? Contest,
    IReadOnlyDictionary<string, long> Votes,
    long Valid,
    long Invalid,
    long Voted,
    long RegisteredReported,
    long TpsReported,
    long Version,
    string? Digest,
    CertifiedMark? Certified = null)
{
    /// <param name="source">Where the object came from, for the message when it is not a tally.</param>
    /// <exception cref="EvidenceException">A field a tally has is missing or of the wrong type.</exception>
    public static PublishedTally Parse(JsonElement tally, string source)
    {
        var region = tally.ValueKind == JsonValueKind.Object && tally.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : throw new EvidenceException($"{source}: not a tally object with a \"region\"");
        var where = $"{source} ({region})";
        if (!tally.TryGetProperty("votes", out var votes) || votes.ValueKind != JsonValueKind.Object)
            throw new EvidenceException($"{where}: \"votes\" is missing or not an object");
        return new PublishedTally(
            region,
            tally.TryGetProperty("contest", out var contest) && contest.ValueKind == JsonValueKind.String ? contest.GetString() : null,
            votes.EnumerateObject().ToDictionary(v => v.Name, v => Whole(v.Value, $"votes.{v.Name}", where), StringComparer.Ordinal),
            Number(tally, "valid", where),
            Number(tally, "invalid", where),
            Number(tally, "voted", where),
            Number(tally, "registeredReported", where),
            Number(tally, "tpsReported", where),
            Number(tally, "version", where),
            tally.TryGetProperty("digest", out var digest) && digest.ValueKind is JsonValueKind.String or JsonValueKind.Null
                ? digest.GetString()
                : throw new EvidenceException($"{where}: \"digest\" is missing (it is null, or a string)"),
            CertifiedMarkOf(tally, where));
    }

    private static CertifiedMark? CertifiedMarkOf(JsonElement tally, string where)
    {
        if (!tally.TryGetProperty("certified", out var certified) || certified.ValueKind == JsonValueKind.Null) return null;
        string Text(string name) => certified.ValueKind == JsonValueKind.Object && certified.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new EvidenceException($"{where}: \"certified\" is not null or an object with \"by\", \"at\" and \"digest\" strings: {certified.GetRawText()}");
        return new CertifiedMark(Text("by"), Text("at"), Text("digest"));
    }

    private static long Number(JsonElement tally, string name, string where) =>
        tally.TryGetProperty(name, out var value)
            ? Whole(value, name, where)
            : throw new EvidenceException($"{where}: \"{name}\" is missing");

    private static long Whole(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new EvidenceException($"{where}: \"{name}\" is {value.GetRawText()}, not a whole number");
}
