using KpuOrleans.Certification;

namespace KpuOrleans.Proofs;

/// <summary>
/// One node's part of an inclusion proof (API.md, "Receipts and inclusion proofs"): the canonical text one of its
/// states hashes to, for that state's digest.
/// </summary>
/// <param name="Version">The node's tally version in that state (a TPS's: the form's version).</param>
/// <param name="Certified">The certificate in force at the node now, if any.</param>
/// <param name="LatestVersion">A TPS's latest accepted version; a region's current version.</param>
[GenerateSerializer, Immutable, Alias("kpu.ProofStep")]
public sealed record ProofStep(
    [property: Id(0)] string Region,
    [property: Id(1)] string Text,
    [property: Id(2)] string Digest,
    [property: Id(3)] long Version,
    [property: Id(4)] CertificateSeal? Certified,
    [property: Id(5)] long LatestVersion);
