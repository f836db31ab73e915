using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// A ledger whose reads work (an empty one) and whose appends end as <paramref name="append"/> says: unreachable,
/// stalled, and so on; the storage tests give each failure to a real gateway through it.
/// </summary>
public class WritelessLedger(Func<Task<AppendResult>> append) : ILedger, IPhotoCatalogue
{
    private readonly InMemoryLedger _empty = new();

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default) => append();

    public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default) =>
        _empty.ReadTpsAsync(tps, cancellationToken);

    public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default) =>
        _empty.ReadLatestUnderAsync(region, cancellationToken);

    public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken = default) =>
        _empty.ReadLatestAsync(contest, cancellationToken);

    public Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default) =>
        _empty.ReadRecentAnomaliesAsync(region, limit, cancellationToken);

    public Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default) =>
        _empty.ReadVersionSumsAsync(cancellationToken);

    public Task<bool> RecordAsync(PhotoRecord photo, CancellationToken cancellationToken = default) => _empty.RecordAsync(photo, cancellationToken);

    public Task<IReadOnlySet<string>> StoredAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default) =>
        _empty.StoredAsync(sha256s, cancellationToken);

    public Task<IReadOnlyList<FormKey>> CitersAsync(string sha256, CancellationToken cancellationToken = default) => _empty.CitersAsync(sha256, cancellationToken);

    public Task<IReadOnlyList<PhotoMissingSum>> ReadPhotoMissingAsync(CancellationToken cancellationToken = default) =>
        _empty.ReadPhotoMissingAsync(cancellationToken);
}
