using KpuOrleans.Forms;

namespace KpuOrleans.Evidence;

/// <summary>
/// What a form's evidence adds to its TPS's tally: whether a page it cites is not stored yet, and its disputes.
/// Recomputed from the store (catalogue and dispute register) whenever it is needed, never kept on its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.FormEvidence")]
public sealed record FormEvidence(
    [property: Id(0)] int PagesStored,
    [property: Id(1)] bool PhotoMissing,
    [property: Id(2)] DisputeCounts Disputes)
{
    public static readonly FormEvidence None = new(0, false, DisputeCounts.None);

    public const string PhotoMissingFlag = "photo-missing";
    public const string DisputedFlag = "disputed";

    /// <summary>Grows with every page stored and every dispute event while the form's version stays (Tally.Revision).</summary>
    public long Revision => PagesStored + Disputes.Events;

    public static FormEvidence Of(ResultForm form, IReadOnlySet<string> stored, DisputeCounts disputes)
    {
        var pagesStored = form.Pages.Count(stored.Contains);
        return new FormEvidence(pagesStored, pagesStored < form.Pages.Count, disputes);
    }

    /// <summary>The flags the evidence adds to the ones found in the numbers.</summary>
    public IEnumerable<string> Flags()
    {
        if (PhotoMissing) yield return PhotoMissingFlag;
        if (Disputes.Open > 0) yield return DisputedFlag;
    }
}
