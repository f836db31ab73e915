using KpuOrleans.Registry;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Photos;

namespace KpuOrleans.Simulator.Script;

/// <summary>The mix of submissions besides the first forms, as percentages of (TPS, race) pairs.</summary>
internal sealed record SubmissionMix(double RetriesPct, double CorrectionsPct, double InvalidPct)
{
    public static readonly SubmissionMix FirstFormsOnly = new(0, 0, 0);
}

/// <summary>
/// Everything election night will send for a slice of the registry: for every TPS and each of its races, the steps
/// of a <see cref="TpsRace"/> and, for the night mode, when they arrive. Deterministic for the seed.
/// </summary>
internal sealed class ElectionScript
{
    private ElectionScript(IReadOnlyList<TpsRace> races, int tpsCount)
    {
        Races = races;
        TpsCount = tpsCount;
    }

    public IReadOnlyList<TpsRace> Races { get; }

    public int TpsCount { get; }

    /// <summary>Forms to post (photo uploads and disputes are not forms).</summary>
    public int SubmissionCount => Races.Sum(r => r.Steps.Count(s => s.PostsForm));

    /// <param name="onTpsReported">Called once per TPS, when every one of its races has an accepted form.</param>
    /// <param name="photos">Which forms cite photos, and which disputes are filed; none by default.</param>
    public static ElectionScript Write(
        RegionRegistry registry, IEnumerable<RegionInfo> tpsList, long seed, SubmissionMix mix, ArrivalCurve curve, Action onTpsReported,
        PhotoPlan? photos = null)
    {
        photos ??= PhotoPlan.None;
        var generator = new FormGenerator(new ElectoralProfile(registry, seed));
        var breaker = new FormBreaker(registry, seed);
        var races = new List<TpsRace>();
        var tpsCount = 0;
        foreach (var tps in tpsList)
        {
            tpsCount++;
            var progress = new TpsProgress(tps.Contests.Count, onTpsReported);
            var arrival = Arrival(generator.Profile, tps, curve);
            var disputed = photos.DisputedRace(seed, tps.Code, tps.Contests.Count);
            for (var i = 0; i < tps.Contests.Count; i++)
            {
                var contest = tps.Contests[i];
                var dice = SeededRandom.For(seed, "mix", tps.Code, contest.Id);
                // The governor's form is usually written first; the regional race's follows within minutes.
                var offset = contest.Kind == "governor" ? TimeSpan.Zero : TimeSpan.FromMinutes(dice.Between(0, 15));
                var steps = Steps(generator, breaker, tps, contest, mix, dice);
                if (disputed == i || photos.Cites(seed, tps.Code, contest.Id)) steps = Photographed(steps, photos, seed, disputed == i);
                races.Add(new TpsRace(tps, contest, progress, steps, arrival + offset));
            }
        }
        return new ElectionScript(races, tpsCount);
    }

    private static List<Submission> Steps(FormGenerator generator, FormBreaker breaker, RegionInfo tps, Contest contest, SubmissionMix mix, SeededRandom dice)
    {
        var first = generator.First(tps, contest);
        var steps = new List<Submission>(4);
        if (dice.Chance(mix.InvalidPct))
            steps.Add(new Submission(SubmissionKind.Invalid, breaker.Break(first), TimeSpan.Zero));
        steps.Add(new Submission(SubmissionKind.First, first,
            steps.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(dice.Between(1, 8))));
        if (dice.Chance(mix.RetriesPct))
            steps.Add(new Submission(SubmissionKind.Retry, first, TimeSpan.FromSeconds(dice.Between(5, 120))));
        if (dice.Chance(mix.CorrectionsPct))
            steps.Add(new Submission(SubmissionKind.Correction, generator.Correction(first), TimeSpan.FromMinutes(dice.Between(20, 180))));
        return steps;
    }

    /// <summary>
    /// The same steps with photos: every form cites its pages (a retry the same ones), late pages go up 1–30 night
    /// minutes after their form, and on a disputed race the last version's photo shows one number otherwise and a
    /// citizen reports it 5–60 minutes after the race's last form. The drawing uses streams of its own, so a run with
    /// photos sends the very forms of a run without.
    /// </summary>
    private static List<Submission> Photographed(List<Submission> steps, PhotoPlan plan, long seed, bool disputed)
    {
        var last = steps.Last(s => s.Kind is SubmissionKind.First or SubmissionKind.Correction).Form;
        var change = disputed ? PhotoPlan.Change(seed, last) : null;
        var dice = SeededRandom.For(seed, "photo-times", last.Tps, last.Contest);
        var photographed = new List<Submission>(steps.Count + 3);
        FormPhotos? firstPhotos = null;
        foreach (var step in steps)
        {
            switch (step.Kind)
            {
                case SubmissionKind.First or SubmissionKind.Correction:
                    var photos = new FormPhotos(step.Form, plan.Pages, plan.Late(seed, step.Form), ReferenceEquals(step.Form, last) ? change : null);
                    if (step.Kind == SubmissionKind.First) firstPhotos = photos;
                    photographed.Add(step with { Photos = photos });
                    if (photos.Late)
                        photographed.Add(new Submission(SubmissionKind.Photos, step.Form, TimeSpan.FromMinutes(dice.Between(1, 30)), photos));
                    break;
                case SubmissionKind.Retry:
                    photographed.Add(step with { Photos = firstPhotos });
                    break;
                default:
                    photographed.Add(step);
                    break;
            }
        }
        if (change is not null)
        {
            var onTheForm = CHasilSheet.Rows(last).Single(r => r.Field == change.Field).Value;
            photographed.Add(new Submission(SubmissionKind.Dispute, last, TimeSpan.FromMinutes(dice.Between(5, 60)),
                Dispute: new DisputeReport(change.Field, change.Shown, onTheForm)));
        }
        return photographed;
    }

    /// <summary>
    /// When the TPS reports: a draw from the night's curve, skewed by its regency's pace (some count faster than
    /// others), so that regions fill in unevenly as they did in 2024.
    /// </summary>
    private static TimeSpan Arrival(ElectoralProfile profile, RegionInfo tps, ArrivalCurve curve)
    {
        var regency = profile.Ancestor(tps, Level.Regency).Code;
        var pace = SeededRandom.For(profile.Seed, "pace", regency).Between(0.8, 1.25);
        var quantile = Math.Pow(SeededRandom.For(profile.Seed, "arrival", tps.Code).NextDouble(), pace);
        return curve.TimeOf(quantile);
    }
}
