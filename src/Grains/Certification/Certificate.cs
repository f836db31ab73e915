using KpuOrleans.Tallies;

namespace KpuOrleans.Certification;

/// <summary>What a certified tally shows: who signed it off, when, and the digest they signed.</summary>
[GenerateSerializer, Immutable, Alias("kpu.CertificateSeal")]
public sealed record CertificateSeal(
    [property: Id(0)] string By,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Digest);

/// <summary>Who withdrew a certificate, when, and why (kept: withdrawals are audited, never erased).</summary>
[GenerateSerializer, Immutable, Alias("kpu.Withdrawal")]
public sealed record Withdrawal(
    [property: Id(0)] string By,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Reason);

/// <summary>
/// A tier's sign-off of one contest in one region (a district by its PPK, a regency by its KPU, the province by KPU
/// Provinsi): the tally as it stood, durable, with the digest that ties it to every form below.
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.Certificate")]
public sealed record Certificate(
    [property: Id(0)] TallySnapshot Tally,
    [property: Id(1)] string CertifiedBy,
    [property: Id(2)] DateTimeOffset CertifiedAt,
    [property: Id(3)] Withdrawal? Withdrawn = null)
{
    public string Contest => Tally.Contest;

    public string Region => Tally.Region;

    public CertificateSeal Seal => new(CertifiedBy, CertifiedAt, Tally.Digest!);
}
