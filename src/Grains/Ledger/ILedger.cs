using KpuOrleans.Forms;

namespace KpuOrleans.Ledger;

/// <summary>
/// The result ledger: append-only, every accepted version of every (TPS, contest) form. It is the one source of
/// truth: grain state is a cache of it (DESIGN.md invariant 7).
/// </summary>
public interface ILedger
{
    /// <summary>
    /// Appends one accepted version and returns once it is durable. A (tps, contest, version) that is already there
    /// is never written twice: the row already stored is returned instead, for the caller to judge.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">the store could not be reached; nothing was written.</exception>
    /// <exception cref="LedgerRowRefusedException">the store refused this row as data; nothing of it was written.</exception>
    /// <exception cref="LedgerOutcomeUnknownException">the commit went unanswered; the row may or may not be stored.</exception>
    Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default);

    /// <summary>Every accepted version of every contest of one TPS, oldest first.</summary>
    Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default);

    /// <summary>The latest accepted version of every (TPS, contest) form at or below <paramref name="region"/>.</summary>
    Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default);

    /// <summary>The latest accepted form of every TPS for one contest, in TPS code order.</summary>
    IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken = default);

    /// <summary>The most recently accepted forms at or below <paramref name="region"/> that carry an anomaly flag, newest first.</summary>
    Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per contest and village, the sum of the latest form versions of its TPS: what the village's tally version
    /// must reach, and by summing, what every region above it must reach (the reconciliation's yardstick).
    /// </summary>
    Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Grows each time the store is reached again after it failed (a restart or a failover of the database). A
    /// failover to a standby that had not received every commit loses rows that were acknowledged: whatever was read
    /// in an earlier generation may hold rows the store no longer has, so a cache of it (a TPS grain) reads again. A store that cannot fail over stays at 0.
    /// </summary>
    long Generation => 0;
}

public sealed record VersionSum(string Contest, string Village, long Version);

/// <param name="Stored">The row the ledger holds for that (tps, contest, version): the new one when <paramref name="Appended"/>.</param>
public sealed record AppendResult(bool Appended, AcceptedForm Stored);

public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The database refused this one row as data (SQLSTATE class 22 or 23: a value it cannot hold, a constraint or guard
/// it breaks). The row was isolated from the rest of its group commit, so no other form shared its fate; nothing of
/// it was written.
/// </summary>
public sealed class LedgerRowRefusedException(string sqlState, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The guard trigger's SQLSTATE for a correction under a frozen or certified district (class 23, so it is isolated like any refused row).</summary>
    public const string FrozenSqlState = "23K01";

    public string SqlState => sqlState;
}

/// <summary>
/// The commit was sent but its answer did not arrive within the deadline: the row may or may not be stored. Only the
/// ledger can tell, so the sender is told to send the same form again (a retry of a stored form is answered 200).
/// </summary>
public sealed class LedgerOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
