namespace KpuOrleans.Certification;

/// <summary>
/// The sign-off of one contest in one district, regency or the province, keyed <c>{contest}/{region}</c>: it issues
/// and withdraws that region's certificate, one request at a time, and tells the TPS below whether they may change.
/// </summary>
public interface ICertificationGrain : IGrainWithStringKey
{
    Task<CertificationOutcome> Certify(string officer);

    Task<CertificationOutcome> Withdraw(string officer, string reason);

    /// <summary>The certificate in force; null when there is none, or while it is being withdrawn.</summary>
    [AlwaysInterleave]
    Task<CertificateSeal?> InForce();

    /// <summary>Why a form below may not change now (certified, or being certified); null when it may.</summary>
    [AlwaysInterleave]
    Task<string?> Blocks();
}

public static class CertificationKeys
{
    public static string Of(string contest, string region) => $"{contest}/{region}";

    public static ICertificationGrain GetCertificationGrain(this IGrainFactory grains, string contest, string region) =>
        grains.GetGrain<ICertificationGrain>(Of(contest, region));
}
