namespace KpuOrleans.Evidence;

/// <summary>
/// The disputes, kept beside the ledger (PostgreSQL, or memory in the embedded mode). Append-only like the ledger:
/// a resolution is added, never overwritten, so the audit of who settled what stays whole.
/// </summary>
public interface IDisputeRegister
{
    /// <summary>
    /// Opens a report, unless <paramref name="reporter"/> already has one open for the same TPS and contest: then that
    /// one is returned with <c>Opened</c> false.
    /// </summary>
    Task<(Dispute Dispute, bool Opened)> OpenAsync(string tps, string contest, long version, string field, string note,
        string reporter, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Dispute?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the resolution of an open report. When it is resolved already, nothing changes and the stored report is
    /// returned with <c>Resolved</c> false (the caller compares it with what it asked for).
    /// </summary>
    Task<(Dispute Dispute, bool Resolved)> ResolveAsync(long id, DisputeResolution resolution, CancellationToken cancellationToken = default);

    /// <summary>Reports about TPS at or below <paramref name="region"/>, newest first.</summary>
    /// <param name="open">true: open ones only; false: resolved ones only; null: both.</param>
    Task<IReadOnlyList<Dispute>> ListAsync(string region, bool? open, int limit, CancellationToken cancellationToken = default);

    Task<DisputeCounts> CountsAsync(string tps, string contest, CancellationToken cancellationToken = default);

    /// <summary>The counts of every (TPS, contest) at or below <paramref name="region"/> that has any report.</summary>
    Task<IReadOnlyDictionary<FormKey, DisputeCounts>> CountsUnderAsync(string region, CancellationToken cancellationToken = default);
}
