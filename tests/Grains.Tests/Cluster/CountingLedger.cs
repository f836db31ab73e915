using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>The cluster's ledger (and the photo catalogue kept with it), counting the reads of TPS rows that the silos make.</summary>
public sealed class CountingLedger(ClusterProbe probe) : ILedger, IPhotoCatalogue
{
    private readonly InMemoryLedger _ledger = probe.Ledger;

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default) => _ledger.AppendAsync(entry, cancellationToken);

    public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default)
    {
        probe.TpsReads.AddOrUpdate(tps, 1, (_, n) => n + 1);
        return _ledger.ReadTpsAsync(tps, cancellationToken);
    }

    public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default) =>
        _ledger.ReadLatestUnderAsync(region, cancellationToken);

    public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken = default) =>
        _ledger.ReadLatestAsync(contest, cancellationToken);

    public Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default) =>
        _ledger.ReadRecentAnomaliesAsync(region, limit, cancellationToken);

    public Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default) =>
        _ledger.ReadVersionSumsAsync(cancellationToken);

    public Task<bool> RecordAsync(PhotoRecord photo, CancellationToken cancellationToken = default) => _ledger.RecordAsync(photo, cancellationToken);

    public Task<IReadOnlySet<string>> StoredAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default) =>
        _ledger.StoredAsync(sha256s, cancellationToken);

    public Task<IReadOnlyList<FormKey>> CitersAsync(string sha256, CancellationToken cancellationToken = default) => _ledger.CitersAsync(sha256, cancellationToken);

    public Task<IReadOnlyList<PhotoMissingSum>> ReadPhotoMissingAsync(CancellationToken cancellationToken = default) =>
        _ledger.ReadPhotoMissingAsync(cancellationToken);
}
