namespace KpuOrleans.Certification;

public enum CertificationStatus
{
    /// <summary>A new certificate is in force (or, on withdrawal, the certificate is withdrawn).</summary>
    Done,
    /// <summary>This officer's certificate was already in force: a retry.</summary>
    Repeated,
    /// <summary>Someone else's certificate is in force.</summary>
    AlreadyCertified,
    /// <summary>Not every TPS below has a form, or not every child region is certified.</summary>
    Incomplete,
    /// <summary>Another certification or withdrawal of this region is under way.</summary>
    Busy,
    /// <summary>Nothing to withdraw.</summary>
    NotCertified,
    /// <summary>The region above is certified (or being certified): it must be withdrawn first.</summary>
    ParentCertified,
}

[GenerateSerializer, Immutable, Alias("kpu.CertificationOutcome")]
public sealed record CertificationOutcome(
    [property: Id(0)] CertificationStatus Status,
    [property: Id(1)] Certificate? Certificate,
    [property: Id(2)] string Detail,
    [property: Id(3)] IReadOnlyList<string> Missing)
{
    public static CertificationOutcome Of(CertificationStatus status, string detail, Certificate? certificate = null, IReadOnlyList<string>? missing = null) =>
        new(status, certificate, detail, missing ?? []);
}
