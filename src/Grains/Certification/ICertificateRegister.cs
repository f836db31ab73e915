namespace KpuOrleans.Certification;

/// <summary>
/// Where certificates are kept, durably (PostgreSQL beside the ledger; in memory in the embedded mode). At most one
/// certificate per (contest, region) is in force; a withdrawn one stays, with its withdrawal.
/// </summary>
public interface ICertificateRegister
{
    /// <summary>The certificates in force for any contest in any of <paramref name="regions"/>.</summary>
    Task<IReadOnlyList<Certificate>> ReadInForceAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken = default);

    /// <summary>Every certificate of one contest, withdrawn ones included, in region code order, oldest first.</summary>
    Task<IReadOnlyList<Certificate>> ReadAllAsync(string contest, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ReadAllAsync"/> as it is read, one certificate at a time, so that an anonymous export never holds a
    /// contest's whole register in memory.
    /// </summary>
    IAsyncEnumerable<Certificate> StreamAllAsync(string contest, CancellationToken cancellationToken = default);

    /// <summary>Stores a new certificate; false (and nothing stored) when one is already in force there.</summary>
    Task<bool> IssueAsync(Certificate certificate, CancellationToken cancellationToken = default);

    /// <summary>Marks the certificate in force withdrawn; false when there is none.</summary>
    Task<bool> WithdrawAsync(string contest, string region, Withdrawal withdrawal, CancellationToken cancellationToken = default);
}
