using System.Text.Json;
using KpuOrleans.Proofs;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests.Proofs;

/// <summary>API.md's proof test vector, read from the document itself, as the server's own types.</summary>
public static class ProofVector
{
    /// <summary>The digest the vector's province publishes: the province's in API.md's digest test vector.</summary>
    public static string ProvinceDigest { get; } = JsonDocument.Parse(ApiDocument.JsonAfter("<!-- digest-test-vector -->"))
        .RootElement.GetProperty("digests").GetProperty("35").GetString()!;

    public static InclusionProof Proof() =>
        ProofJson.Read(JsonDocument.Parse(ApiDocument.JsonAfter("<!-- proof-test-vector -->")).RootElement);
}
