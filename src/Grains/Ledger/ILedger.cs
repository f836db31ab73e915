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
}

public sealed record VersionSum(string Contest, string Village, long Version);

/// <param name="Stored">The row the ledger holds for that (tps, contest, version): the new one when <paramref name="Appended"/>.</param>
public sealed record AppendResult(bool Appended, AcceptedForm Stored);

public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
