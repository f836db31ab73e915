using KpuOrleans.Proofs;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api.Proofs;

/// <summary>The proof as API.md shows it, TPS first.</summary>
public sealed record ProofDto(
    string Contest, string Tps, long Version, long LatestVersion, string Digest, string Against, IReadOnlyList<ProofLevelDto> Levels)
{
    public static ProofDto From(InclusionProof proof) => new(proof.Contest, proof.Tps, proof.Version, proof.LatestVersion, proof.Digest,
        proof.AgainstCertificate ? "certificate" : "live", [.. proof.Levels.Select(ProofLevelDto.From)]);
}

public sealed record ProofLevelDto(string Region, string Level, string Name, string Digest, CertifiedDto? Certified, string Text)
{
    public static ProofLevelDto From(ProofLevel level) => new(level.Region, level.Level.ToApiName(), level.Name, level.Digest,
        level.Certified is { } seal ? new CertifiedDto(seal.By, seal.At.UtcDateTime, seal.Digest) : null, level.Text);
}
