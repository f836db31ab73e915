using KpuOrleans.Registry;

namespace KpuOrleans.Evidence;

/// <summary>
/// The embedded mode's disputes: as durable as the process, like its ledger. One lock makes "find the reporter's open
/// report, else open one" a single step, which is what PostgreSQL's advisory lock does for the durable register.
/// </summary>
public sealed class InMemoryDisputeRegister : IDisputeRegister
{
    private readonly Lock _lock = new();
    private readonly List<Dispute> _disputes = []; // ids are positions + 1, so newest first is back to front
    private readonly Dictionary<(string Reporter, string Tps, string Contest), long> _openByReporter = [];

    public Task<(Dispute Dispute, bool Opened)> OpenAsync(string tps, string contest, long version, string field, string note,
        string reporter, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_openByReporter.TryGetValue((reporter, tps, contest), out var id) && _disputes[(int)id - 1].IsOpen)
                return Task.FromResult((_disputes[(int)id - 1], false));
            var dispute = new Dispute(_disputes.Count + 1, tps, contest, version, field, note, Ledger.StoredTime.Microseconds(at), null);
            _disputes.Add(dispute);
            _openByReporter[(reporter, tps, contest)] = dispute.Id;
            return Task.FromResult((dispute, true));
        }
    }

    public Task<Dispute?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(id >= 1 && id <= _disputes.Count ? _disputes[(int)id - 1] : null);
    }

    public Task<(Dispute Dispute, bool Resolved)> ResolveAsync(long id, DisputeResolution resolution, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (id < 1 || id > _disputes.Count) throw new KeyNotFoundException($"No dispute {id}.");
            var stored = _disputes[(int)id - 1];
            if (!stored.IsOpen) return Task.FromResult((stored, false));
            var resolved = stored with { Resolution = resolution with { At = Ledger.StoredTime.Microseconds(resolution.At) } };
            _disputes[(int)id - 1] = resolved;
            return Task.FromResult((resolved, true));
        }
    }

    public Task<IReadOnlyList<Dispute>> ListAsync(string region, bool? open, int limit, CancellationToken cancellationToken = default)
    {
        var found = new List<Dispute>();
        lock (_lock)
        {
            for (var i = _disputes.Count - 1; i >= 0 && found.Count < limit; i--)
            {
                var dispute = _disputes[i];
                if (AtOrBelow(dispute.Tps, region) && (open is null || dispute.IsOpen == open)) found.Add(dispute);
            }
        }
        return Task.FromResult<IReadOnlyList<Dispute>>(found);
    }

    public Task<DisputeCounts> CountsAsync(string tps, string contest, CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(Count(_disputes.Where(d => d.Tps == tps && d.Contest == contest)));
    }

    public Task<IReadOnlyDictionary<FormKey, DisputeCounts>> CountsUnderAsync(string region, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyDictionary<FormKey, DisputeCounts>>(_disputes
                .Where(d => AtOrBelow(d.Tps, region))
                .GroupBy(d => new FormKey(d.Tps, d.Contest))
                .ToDictionary(g => g.Key, Count));
    }

    /// <summary>A report and its resolution are one event each: the count only grows.</summary>
    private static DisputeCounts Count(IEnumerable<Dispute> disputes)
    {
        int open = 0;
        long events = 0;
        foreach (var dispute in disputes)
        {
            if (dispute.IsOpen) open++;
            events += dispute.IsOpen ? 1 : 2;
        }
        return new DisputeCounts(open, events);
    }

    private static bool AtOrBelow(string tps, string region) =>
        RegionCode.TryParse(tps, out var inside) && RegionCode.TryParse(region, out var scope) && inside.IsWithin(scope);
}
