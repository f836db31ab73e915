using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Telemetry;

namespace KpuOrleans.Ledger;

/// <summary>
/// The embedded mode's ledger: the same contract, kept in this process only, so nothing survives a restart. Like
/// PostgreSQL's, it refuses a correction while its district is frozen or certified (<paramref name="freezes"/>).
/// </summary>
public sealed partial class InMemoryLedger(InMemoryFreezes? freezes = null) : ILedger
{
    private readonly InMemoryFreezes _freezes = freezes ?? new();

    private readonly List<AcceptedForm> _inOrder = [];
    private readonly Dictionary<string, List<AcceptedForm>> _byTps = new(StringComparer.Ordinal);

    // Villages, districts and regencies rebuild from their TPS on every activation: find those TPS by village
    // without scanning every row of the ledger.
    private readonly Dictionary<RegionCode, HashSet<string>> _tpsByVillage = [];
    private readonly Lock _gate = new();

    /// <summary>Nothing to fail over: what this process holds is all there is.</summary>
    public long Generation => 0;

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default)
    {
        if (entry.Form.Version == 1) return Task.FromResult(Append(entry));
        // A retry of a stored correction changes nothing, and gets its first answer back even under a freeze.
        if (Stored(entry) is { } stored) return Task.FromResult(new AppendResult(false, stored));
        try
        {
            return Task.FromResult(_freezes.Guard(entry.Form.Tps, entry.Form.Contest, () => Append(entry)));
        }
        catch (LedgerRowRefusedException e)
        {
            return Task.FromException<AppendResult>(e);
        }
    }

    private AcceptedForm? Stored(AcceptedForm entry)
    {
        lock (_gate)
            return _byTps.GetValueOrDefault(entry.Form.Tps)?.Find(r => r.Form.Contest == entry.Form.Contest && r.Form.Version == entry.Form.Version);
    }

    private AppendResult Append(AcceptedForm entry)
    {
        lock (_gate)
        {
            if (!_byTps.TryGetValue(entry.Form.Tps, out var rows))
            {
                _byTps[entry.Form.Tps] = rows = [];
                var village = VillageOf(entry.Form.Tps);
                if (!_tpsByVillage.TryGetValue(village, out var stations)) _tpsByVillage[village] = stations = new(StringComparer.Ordinal);
                stations.Add(entry.Form.Tps);
            }
            var existing = rows.Find(r => r.Form.Contest == entry.Form.Contest && r.Form.Version == entry.Form.Version);
            if (existing is not null) return new AppendResult(false, existing);
            rows.Add(entry);
            _inOrder.Add(entry);
            Cited(entry.Form);
            // One form per "commit", so that the embedded system's /metrics shows the same instruments as PostgreSQL's.
            KpuMetrics.LedgerBatchSize.Record(1);
            KpuMetrics.LedgerCommitDuration.Record(0);
            return new AppendResult(true, entry);
        }
    }

    public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AcceptedForm> rows = _byTps.TryGetValue(tps, out var list) ? [.. list] : [];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default)
    {
        if (!RegionCode.TryParse(region, out var code)) return Task.FromResult<IReadOnlyList<AcceptedForm>>([]);
        lock (_gate)
        {
            var villages = code.Level == Level.Tps ? []
                : _tpsByVillage.TryGetValue(code, out var own) ? [own]
                : _tpsByVillage.Where(v => v.Key.IsWithin(code)).Select(v => v.Value);
            return Task.FromResult<IReadOnlyList<AcceptedForm>>([.. villages.SelectMany(v => v).SelectMany(tps => LatestPerContest(_byTps[tps]))]);
        }
    }

    public async IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var row in Latest().Where(r => r.Form.Contest == contest).OrderBy(r => r.Form.Tps, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
        await Task.CompletedTask;
    }

    public Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<VersionSum>>([.. Latest()
            .GroupBy(r => (r.Form.Contest, Village: VillageOf(r.Form.Tps).Value))
            .Select(g => new VersionSum(g.Key.Contest, g.Key.Village, g.Sum(r => r.Form.Version)))]);

    public Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default)
    {
        if (!RegionCode.TryParse(region, out var code)) return Task.FromResult<IReadOnlyList<AcceptedForm>>([]);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AcceptedForm>>([.. Enumerable.Reverse(_inOrder)
                .Where(r => r.Anomalies.Count > 0 && RegionCode.Parse(r.Form.Tps) is var tps && tps != code && tps.IsWithin(code))
                .Take(limit)]);
        }
    }

    private List<AcceptedForm> Latest()
    {
        lock (_gate)
        {
            return [.. _byTps.Values.SelectMany(LatestPerContest)];
        }
    }

    private static IEnumerable<AcceptedForm> LatestPerContest(List<AcceptedForm> rows) =>
        rows.GroupBy(r => r.Form.Contest).Select(g => g.MaxBy(r => r.Form.Version)!);

    private static RegionCode VillageOf(string tps) => RegionCode.Parse(tps).AncestorAt(Level.Village);
}
