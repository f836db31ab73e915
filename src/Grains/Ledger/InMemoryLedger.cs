using KpuOrleans.Forms;

namespace KpuOrleans.Ledger;

/// <summary>The embedded mode's ledger: the same contract, kept in this process only, so nothing survives a restart.</summary>
public sealed class InMemoryLedger : ILedger
{
    private readonly Dictionary<string, List<AcceptedForm>> _byTps = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_byTps.TryGetValue(entry.Form.Tps, out var rows)) _byTps[entry.Form.Tps] = rows = [];
            var existing = rows.Find(r => r.Form.Contest == entry.Form.Contest && r.Form.Version == entry.Form.Version);
            if (existing is not null) return Task.FromResult(new AppendResult(false, existing));
            rows.Add(entry);
            return Task.FromResult(new AppendResult(true, entry));
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
}
