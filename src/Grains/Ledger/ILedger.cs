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
}

/// <param name="Stored">The row the ledger holds for that (tps, contest, version): the new one when <paramref name="Appended"/>.</param>
public sealed record AppendResult(bool Appended, AcceptedForm Stored);

public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
