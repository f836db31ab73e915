using KpuOrleans.Registry;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>The same seed writes the same night; another seed another; and the night looks like an election.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class PlausibilityTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    private static ElectionScript Script(long seed) => ElectionScript.Write(Registry, Registry.TpsUnder(Registry.Root.Code), seed,
        new SubmissionMix(5, 5, 5), ArrivalCurve.Pilkada2024, () => { });

    [Fact]
    public void The_same_seed_writes_the_same_forms_and_another_seed_different_ones()
    {
        var first = Script(42);
        var again = Script(42);
        var other = Script(43);

        Assert.Equal(first.Races.Count, again.Races.Count);
        var differing = 0;
        for (var i = 0; i < first.Races.Count; i++)
        {
            var (a, b, c) = (first.Races[i], again.Races[i], other.Races[i]);
            Assert.Equal(a.Arrival, b.Arrival);
            Assert.Equal(a.Steps.Count, b.Steps.Count);
            for (var s = 0; s < a.Steps.Count; s++)
            {
                Assert.Equal(a.Steps[s].Kind, b.Steps[s].Kind);
                Assert.True(a.Steps[s].Form.SameContent(b.Steps[s].Form), $"seed 42 wrote two different forms for {a.Tps.Code} {a.Contest.Id}");
            }
            if (!a.Steps.Single(s => s.Kind == SubmissionKind.First).Form.SameContent(c.Steps.Single(s => s.Kind == SubmissionKind.First).Form)) differing++;
        }
        Assert.True(differing > first.Races.Count * 0.95, $"only {differing:N0} of {first.Races.Count:N0} first forms differ between seeds 42 and 43");
    }

    [Fact]
    public void Turnout_differs_from_regency_to_regency_and_stays_plausible()
    {
        var turnout = Script(2024).Races
            .Where(r => r.Contest.Kind == "governor")
            .Select(r => r.Steps.Single(s => s.Kind == SubmissionKind.First).Form)
            .GroupBy(f => f.Tps[..5])
            .ToDictionary(g => g.Key, g => (double)g.Sum(f => f.Voted.Total) / g.Sum(f => f.Registered));

        Assert.Equal(38, turnout.Count);
        Assert.All(turnout.Values, t => Assert.InRange(t, 0.45, 0.9));
        Assert.True(turnout.Values.Max() - turnout.Values.Min() > 0.08,
            $"regency turnouts span only {turnout.Values.Min():P1}–{turnout.Values.Max():P1}");
        Assert.True(turnout.Values.Select(t => Math.Round(t, 3)).Distinct().Count() > 30, "regency turnouts are mostly equal");

        // And the profile behind them: every regency has its own mean.
        var profile = new ElectoralProfile(Registry, 2024);
        Assert.Equal(38, Registry.Root.Children.Select(profile.TurnoutMean).Distinct().Count());
    }

    [Fact]
    public void Vote_shares_vary_between_areas_of_the_same_race()
    {
        var governor = Registry.FindContest("PGUB-35")!;
        var shares = Script(2024).Races
            .Where(r => r.Contest == governor)
            .Select(r => r.Steps.Single(s => s.Kind == SubmissionKind.First).Form)
            .GroupBy(f => f.Tps[..5])
            .Select(g => (double)g.Sum(f => f.Votes["1"]) / g.Sum(f => f.Valid))
            .ToList();

        Assert.True(shares.Max() - shares.Min() > 0.05, $"candidate 1's share spans only {shares.Min():P1}–{shares.Max():P1} across regencies");
    }

    [Fact]
    public void The_night_follows_the_2024_curve()
    {
        var curve = ArrivalCurve.Pilkada2024;
        Assert.Equal(0.985, curve.ShareBy(TimeSpan.FromHours(12)), 3);
        Assert.Equal(TimeSpan.FromHours(12), curve.TimeOf(0.985));

        var arrivals = Script(7).Races.Where(r => r.Contest.Kind == "governor").Select(r => r.Arrival).ToList();
        var byOneAm = arrivals.Count(a => a <= TimeSpan.FromHours(12)) / (double)arrivals.Count;
        Assert.InRange(byOneAm, 0.97, 0.995);
        Assert.InRange(arrivals.Count(a => a <= TimeSpan.FromHours(4)) / (double)arrivals.Count, 0.3, 0.55);
        Assert.All(arrivals, a => Assert.InRange(a, TimeSpan.Zero, curve.Length));
    }
}
