using KpuOrleans.Evidence;
using KpuOrleans.Forms;

namespace KpuOrleans.Ledger;

/// <summary>The embedded photo catalogue, kept with the forms as PostgreSQL keeps it beside the ledger.</summary>
public sealed partial class InMemoryLedger : IPhotoCatalogue
{
    private readonly Dictionary<string, PhotoRecord> _photos = new(StringComparer.Ordinal);

    /// <summary>The forms of any version that cite each photo: a photo arriving finds its TPS without a scan.</summary>
    private readonly Dictionary<string, HashSet<FormKey>> _citations = new(StringComparer.Ordinal);

    public Task<bool> RecordAsync(PhotoRecord photo, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_photos.TryAdd(photo.Sha256, photo));
    }

    public Task<IReadOnlySet<string>> StoredAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlySet<string>>(sha256s.Where(_photos.ContainsKey).ToHashSet(StringComparer.Ordinal));
    }

    public Task<IReadOnlyList<FormKey>> CitersAsync(string sha256, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_citations.TryGetValue(sha256, out var citing)) return Task.FromResult<IReadOnlyList<FormKey>>([]);
            return Task.FromResult<IReadOnlyList<FormKey>>([.. citing.Where(key =>
                _byTps[key.Tps].Where(r => r.Form.Contest == key.Contest).MaxBy(r => r.Form.Version)!.Form.Pages.Contains(sha256))]);
        }
    }

    public Task<IReadOnlyList<PhotoMissingSum>> ReadPhotoMissingAsync(CancellationToken cancellationToken = default)
    {
        var latest = Latest();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PhotoMissingSum>>([.. latest
                .Where(row => row.Form.Pages.Any(page => !_photos.ContainsKey(page)))
                .GroupBy(row => (row.Form.Contest, Village: VillageOf(row.Form.Tps).Value))
                .Select(g => new PhotoMissingSum(g.Key.Contest, g.Key.Village, g.Count()))]);
        }
    }

    /// <summary>Called under the gate as a row is appended.</summary>
    private void Cited(ResultForm form)
    {
        foreach (var page in form.Pages)
        {
            if (!_citations.TryGetValue(page, out var citing)) _citations[page] = citing = [];
            citing.Add(new FormKey(form.Tps, form.Contest));
        }
    }
}
