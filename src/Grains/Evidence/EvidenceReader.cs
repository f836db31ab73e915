using KpuOrleans.Forms;

namespace KpuOrleans.Evidence;

/// <summary>Reads the evidence of forms from the store: one query for the photos and one for the disputes, however many forms.</summary>
public sealed class EvidenceReader(IPhotoCatalogue photos, IDisputeRegister disputes)
{
    /// <summary>The evidence of each of <paramref name="forms"/>, all at or below <paramref name="region"/> (a TPS's own code for one TPS).</summary>
    public async Task<Func<ResultForm, FormEvidence>> OfAsync(string region, IReadOnlyCollection<ResultForm> forms)
    {
        var pages = forms.SelectMany(f => f.Pages).ToHashSet(StringComparer.Ordinal);
        var storedTask = pages.Count == 0 ? Task.FromResult<IReadOnlySet<string>>(pages) : photos.StoredAsync(pages);
        var disputedTask = disputes.CountsUnderAsync(region);
        var stored = await storedTask;
        var disputed = await disputedTask;
        return form => FormEvidence.Of(form, stored, disputed.GetValueOrDefault(new FormKey(form.Tps, form.Contest), DisputeCounts.None));
    }
}
