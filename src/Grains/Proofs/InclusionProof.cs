using KpuOrleans.Certification;
using KpuOrleans.Registry;

namespace KpuOrleans.Proofs;

/// <summary>One level of a proof: a node's canonical text, the digest it is said to hash to, and its certificate shown.</summary>
public sealed record ProofLevel(string Region, Level Level, string Name, string Text, string Digest, CertificateSeal? Certified);

/// <summary>
/// The path from a TPS's counted form to the top it is proved against (API.md, "Receipts and inclusion proofs"), TPS
/// first: hashing each text and finding it among its parent's <c>child</c> lines, bottom up, ends at the top's digest.
/// </summary>
/// <param name="AgainstCertificate">Whether it ends at a certified digest rather than at the race's live top.</param>
public sealed record InclusionProof(
    string Contest, string Tps, long Version, long LatestVersion, bool AgainstCertificate, IReadOnlyList<ProofLevel> Levels)
{
    /// <summary>The counted form's TPS digest: where the proof starts.</summary>
    public string Digest => Levels[0].Digest;

    public ProofLevel Top => Levels[^1];
}

/// <summary>Where a proof breaks: the level whose digest is not what the level above commits to (or is missing), and why.</summary>
public sealed record ProofBreak(string Region, Level Level, string Reason)
{
    public override string ToString() => $"breaks at {Region} ({Level.ToApiName()}): {Reason}";
}
