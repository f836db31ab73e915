using System.Text.Json;
using KpuOrleans.Certification;
using KpuOrleans.Proofs;
using KpuOrleans.Registry;

namespace KpuOrleans.TestKit;

/// <summary>An inclusion proof as API.md writes it, read into the server's own types for its checker.</summary>
public static class ProofJson
{
    public static InclusionProof Read(JsonElement json) => new(
        json.GetProperty("contest").GetString()!,
        json.GetProperty("tps").GetString()!,
        json.GetProperty("version").GetInt64(),
        json.GetProperty("latestVersion").GetInt64(),
        json.GetProperty("against").GetString() == "certificate",
        [.. json.GetProperty("levels").EnumerateArray().Select(level => new ProofLevel(
            level.GetProperty("region").GetString()!,
            Enum.GetValues<Level>().Single(l => l.ToApiName() == level.GetProperty("level").GetString()),
            level.GetProperty("name").GetString()!,
            level.GetProperty("text").GetString()!,
            level.GetProperty("digest").GetString()!,
            level.GetProperty("certified") is { ValueKind: JsonValueKind.Object } seal
                ? new CertificateSeal(seal.GetProperty("by").GetString()!, seal.GetProperty("at").GetDateTimeOffset(), seal.GetProperty("digest").GetString()!)
                : null))]);
}
