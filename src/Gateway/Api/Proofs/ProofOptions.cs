namespace KpuOrleans.Gateway.Api.Proofs;

/// <summary><c>Proofs:*</c>: how many inclusion proofs a gateway assembles at once (API.md, "Receipts and inclusion proofs").</summary>
public sealed class ProofOptions
{
    public const string Section = "Proofs";

    /// <summary>Proofs being assembled at once per gateway; more get 503 with Retry-After, so a flood of proofs cannot crowd out the grains' other callers.</summary>
    public int MaxConcurrent { get; set; } = 64;
}
