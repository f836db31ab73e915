using System.Globalization;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Forms;

namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// Which forms of a run cite photos, how many pages, which go up after their form, and where a photo shows a number
/// other than its form's. Every choice is drawn from the seed and the form's place, so a run is the same every time.
/// </summary>
internal sealed record PhotoPlan(double Share, int Pages, double LateShare, double DisputeShare)
{
    public static readonly PhotoPlan None = new(0, 1, 0, 0);

    public bool Any => Share > 0 || DisputeShare > 0;

    public bool Cites(long seed, string tps, string contest) => Share > 0 && SeededRandom.For(seed, "photos", tps, contest).NextDouble() < Share;

    public bool Late(long seed, ResultForm form) =>
        LateShare > 0 && SeededRandom.For(seed, "photo-late", form.Tps, form.Contest, form.Version.ToString(CultureInfo.InvariantCulture)).NextDouble() < LateShare;

    /// <summary>The race (index among the TPS's races) whose photo differs from its form; null for an honest TPS.</summary>
    public int? DisputedRace(long seed, string tps, int races)
    {
        if (DisputeShare <= 0 || races == 0) return null;
        var dice = SeededRandom.For(seed, "dispute", tps);
        return dice.NextDouble() < DisputeShare ? dice.Next(races) : null;
    }

    /// <summary>The one number the photo shows otherwise: a field of the form, a few off, still a number the rules allow.</summary>
    public static SheetChange Change(long seed, ResultForm form)
    {
        var dice = SeededRandom.For(seed, "dispute-field", form.Tps, form.Contest);
        var row = dice.Pick(CHasilSheet.Rows(form));
        var delta = 1 + dice.Next(9);
        var shown = row.Value + delta <= FormRules.MaxNumber ? row.Value + delta : row.Value - delta;
        return new SheetChange(row.Field, shown);
    }
}

/// <summary>The dispute a citizen files once a race's forms are in: the field its photo shows otherwise, and what it shows.</summary>
internal sealed record DisputeReport(string Field, long Shown, long OnTheForm)
{
    public string Note => string.Create(CultureInfo.InvariantCulture, $"Foto C.Hasil menunjukkan {Shown}, formulir {OnTheForm}");
}
