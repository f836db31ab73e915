using System.Text.Json;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>Who withdrew a certificate, when and why, as published; each part null when the file leaves it out.</summary>
public sealed record PublishedWithdrawal(string? By, string? At, string? Reason);

/// <summary>
/// One entry of <c>GET /api/v1/export/{contest}/certificates.json</c>: a district, regency or province certified in
/// one contest, the tally as certified, and its withdrawal if it was withdrawn.
/// </summary>
/// <remarks>
/// The shape is read strictly, as the tallies are (an entry that is not an object with a <c>region</c>, a
/// <c>tally</c> that is not a tally, a field of the wrong JSON type, no <c>withdrawn</c> at all: exit code 2). What
/// the fields say is a finding, not a reading error: a missing signer, time, digest or reason is left null here and
/// reported by the check as a difference of that region, since that is what an audit of certificates looks for.
/// </remarks>
public sealed record PublishedCertificate(
    string Region,
    string? Contest,
    string? Level,
    string? Digest,
    string? CertifiedBy,
    string? CertifiedAt,
    PublishedTally Tally,
    PublishedWithdrawal? Withdrawn)
{
    public bool InForce => Withdrawn is null;

    /// <summary>How a difference names the certificate: whose it is, and whether it is history.</summary>
    public string Describe() => $"{(InForce ? "certificate" : "withdrawn certificate")} by {CertifiedBy ?? "(nobody)"} at {CertifiedAt ?? "(no time)"}";

    /// <param name="source">Where the entry came from, for the message when it is not a certificate.</param>
    /// <exception cref="EvidenceException">The entry is not of the documented shape.</exception>
    public static PublishedCertificate Parse(JsonElement certificate, string source)
    {
        var region = certificate.ValueKind == JsonValueKind.Object && certificate.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : throw new EvidenceException($"{source}: not a certificate object with a \"region\"");
        var where = $"{source} ({region})";
        if (!certificate.TryGetProperty("tally", out var tally)) throw new EvidenceException($"{where}: \"tally\" is missing");
        if (!certificate.TryGetProperty("withdrawn", out var withdrawn) || withdrawn.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object))
            throw new EvidenceException($"{where}: \"withdrawn\" is missing or neither null nor an object");
        return new PublishedCertificate(
            region,
            Text(certificate, "contest", where),
            Text(certificate, "level", where),
            Text(certificate, "digest", where),
            Text(certificate, "certifiedBy", where),
            Text(certificate, "certifiedAt", where),
            PublishedTally.Parse(tally, $"{where}, its tally"),
            withdrawn.ValueKind == JsonValueKind.Null
                ? null
                : new PublishedWithdrawal(Text(withdrawn, "by", $"{where}, withdrawn"), Text(withdrawn, "at", $"{where}, withdrawn"),
                    Text(withdrawn, "reason", $"{where}, withdrawn")));
    }

    /// <returns>Null when the field is missing or null; its text when a string.</returns>
    private static string? Text(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new EvidenceException($"{where}: \"{name}\" is {value.GetRawText()}, not a string");
    }
}
