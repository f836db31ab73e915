using KpuOrleans.Forms;
using KpuOrleans.Ledger;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>The cluster's ledger, counting the reads of TPS rows that the silos make.</summary>
public sealed class CountingLedger(ClusterProbe probe) : ILedger
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
}
