namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// A published tally's <c>certified</c>: who certified the region, when, and the digest they certified. The tally
/// claims a certificate in force; <c>certificates.json</c> must hold it.
/// </summary>
public sealed record CertifiedMark(string By, string At, string Digest)
{
    public override string ToString() => $"by {By} at {At} (digest {Digest})";
}
