namespace KpuOrleans.Evidence;

/// <summary>
/// Which photos are stored, kept beside the ledger (the same store: PostgreSQL, or memory in the embedded mode) so that
/// a form's <c>photo-missing</c> flag can be recomputed from the store alone, like every tally. The bytes live in the
/// photo store; a row here is written only after the bytes are stored, so a row always means "servable".
/// </summary>
public interface IPhotoCatalogue
{
    /// <returns>Whether the photo was new to the catalogue.</returns>
    Task<bool> RecordAsync(PhotoRecord photo, CancellationToken cancellationToken = default);

    /// <summary>The subset of <paramref name="sha256s"/> (lowercase hex) that is stored.</summary>
    Task<IReadOnlySet<string>> StoredAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default);

    /// <summary>Every (TPS, contest) whose latest accepted form cites the photo.</summary>
    Task<IReadOnlyList<FormKey>> CitersAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per contest and village, how many TPS's latest forms cite a page not stored: what the villages' photoMissing must
    /// be, and by summing, every region's (the reconciliation's yardstick for the evidence).
    /// </summary>
    Task<IReadOnlyList<PhotoMissingSum>> ReadPhotoMissingAsync(CancellationToken cancellationToken = default);
}

public sealed record PhotoMissingSum(string Contest, string Village, int Tps);
