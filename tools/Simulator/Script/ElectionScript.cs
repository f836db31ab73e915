using KpuOrleans.Registry;
using KpuOrleans.Simulator.Forms;

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

    public int SubmissionCount => Races.Sum(r => r.Steps.Count);

    /// <param name="onTpsReported">Called once per TPS, when every one of its races has an accepted form.</param>
    public static ElectionScript Write(
        RegionRegistry registry, IEnumerable<RegionInfo> tpsList, long seed, SubmissionMix mix, ArrivalCurve curve, Action onTpsReported)
    {
        var generator = new FormGenerator(new ElectoralProfile(registry, seed));
        var breaker = new FormBreaker(registry, seed);
        var races = new List<TpsRace>();
        var tpsCount = 0;
        foreach (var tps in tpsList)
        {
            tpsCount++;
            var progress = new TpsProgress(tps.Contests.Count, onTpsReported);
            var arrival = Arrival(generator.Profile, tps, curve);
            foreach (var contest in tps.Contests)
            {
                var dice = SeededRandom.For(seed, "mix", tps.Code, contest.Id);
                // The governor's form is usually written first; the regional race's follows within minutes.
                var offset = contest.Kind == "governor" ? TimeSpan.Zero : TimeSpan.FromMinutes(dice.Between(0, 15));
                races.Add(new TpsRace(tps, contest, progress, Steps(generator, breaker, tps, contest, mix, dice), arrival + offset));
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
