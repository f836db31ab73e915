namespace KpuOrleans.Certification;

/// <summary>
/// Where certificates are kept, durably (PostgreSQL beside the ledger; in memory in the embedded mode). At most one
/// certificate per (contest, region) is in force; a withdrawn one stays, with its withdrawal. It also keeps the
/// districts' freezes, which the ledger obeys: while a district is frozen or certified, no correction below it is stored.
/// </summary>
public interface ICertificateRegister
{
    /// <summary>The certificates in force for any contest in any of <paramref name="regions"/>.</summary>
    Task<IReadOnlyList<Certificate>> ReadInForceAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken = default);

    /// <summary>Every certificate of one contest, withdrawn ones included, in region code order, oldest first.</summary>
    Task<IReadOnlyList<Certificate>> ReadAllAsync(string contest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Freezes a district for a contest, durably, once every correction of it already under way has been stored or
    /// refused; from its return until the freeze is released, every new correction there is refused by the ledger.
    /// When a freeze is in force already (another certification of the district, or one that crashed), that one is
    /// returned: there is never more than one.
    /// </summary>
    /// <returns>The freeze in force.</returns>
    Task<long> FreezeAsync(string contest, string district, string officer, CancellationToken cancellationToken = default);

    /// <summary>Lifts that one freeze if it is still in force (a later freeze of the district is not touched); false when it was not.</summary>
    Task<bool> ReleaseAsync(long freeze, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new certificate, nothing when one is already in force there. A district's certificate is issued under
    /// its freeze, and only while that freeze is still in force: it takes the freeze over in the same transaction.
    /// </summary>
    Task<IssueOutcome> IssueAsync(Certificate certificate, long? freeze, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ReadAllAsync"/> as it is read, one certificate at a time, so that an anonymous export never holds a
    /// contest's whole register in memory.
    /// </summary>
    IAsyncEnumerable<Certificate> StreamAllAsync(string contest, CancellationToken cancellationToken = default);

    /// <summary>Marks the certificate in force withdrawn; false when there is none.</summary>
    Task<bool> WithdrawAsync(string contest, string region, Withdrawal withdrawal, CancellationToken cancellationToken = default);
}

public enum IssueOutcome
{
    Issued,
    /// <summary>A certificate was in force there already; nothing was stored.</summary>
    AlreadyCertified,
    /// <summary>The freeze it was read back under was released meanwhile (by another certification of the district); nothing was stored.</summary>
    FreezeLifted,
}
