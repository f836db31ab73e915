using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>The forms the simulator writes keep API.md's rules (proved with the server's own FormRules), and its
/// deliberate mistakes break them.</summary>
public class FormGenerationTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    private static readonly SubmissionMix EverythingOften = new(RetriesPct: 30, CorrectionsPct: 30, InvalidPct: 30);

    private static ElectionScript Script(long seed, SubmissionMix mix, IEnumerable<RegionInfo>? tps = null) =>
        ElectionScript.Write(Registry, tps ?? Registry.TpsUnder(Registry.Root.Code), seed, mix, ArrivalCurve.Pilkada2024, () => { });

    private static void AssertKeepsTheRules(ResultForm form, string what)
    {
        var errors = FormRules.Validate(form, Registry);
        Assert.True(errors.IsEmpty, $"{what} {form.Tps} {form.Contest} v{form.Version} breaks: " +
            string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
    }

    [Fact]
    [Trait(Lanes.Category, Lanes.Slow)]
    public void Every_first_form_of_the_whole_registry_keeps_every_rule_with_the_registry_DPT()
    {
        var script = Script(seed: 2024, SubmissionMix.FirstFormsOnly);

        Assert.Equal(121_502, script.Races.Count);
        Assert.Equal(60_751, script.TpsCount);
        foreach (var race in script.Races)
        {
            var form = Assert.Single(race.Steps).Form;
            AssertKeepsTheRules(form, "first form");
            Assert.Equal(race.Tps.Registered, form.Registered);
            Assert.Equal(1, form.Version);
            Assert.Equal(race.Contest.Candidates.Select(c => c.Number), form.Votes.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_step_of_a_large_sample_keeps_its_promise(long seed)
    {
        // A different sample of 600 TPS (both races each) for every seed, with every kind of step made common.
        var sampler = new Random((int)seed);
        var sample = Registry.TpsUnder(Registry.Root.Code).Where(_ => sampler.Next(100) == 0).ToList();
        var script = Script(seed, EverythingOften, sample);

        foreach (var race in script.Races)
        {
            var first = Assert.Single(race.Steps, s => s.Kind == SubmissionKind.First).Form;
            AssertKeepsTheRules(first, "first form");
            foreach (var step in race.Steps)
            {
                switch (step.Kind)
                {
                    case SubmissionKind.Retry:
                        Assert.True(step.Form.SameContent(first), "a retry must carry exactly the accepted form");
                        break;
                    case SubmissionKind.Correction:
                        AssertKeepsTheRules(step.Form, "correction");
                        Assert.Equal(first.Version + 1, step.Form.Version);
                        Assert.False(string.IsNullOrWhiteSpace(step.Form.Reason));
                        Assert.InRange(step.Form.Reason!.Length, 1, FormRules.MaxReasonLength);
                        Assert.False(step.Form.SameContent(first), "a correction must change something");
                        break;
                    case SubmissionKind.Invalid:
                        Assert.False(FormRules.Validate(step.Form, Registry).IsEmpty,
                            $"the invalid form for {race.Tps.Code} {race.Contest.Id} keeps every rule");
                        break;
                }
            }
            // The order an officer sends them in: a typo first, then the form, its retry, its correction.
            var ranks = race.Steps.Select(s => s.Kind switch
            {
                SubmissionKind.Invalid => 0, SubmissionKind.First => 1, SubmissionKind.Retry => 2, _ => 3,
            }).ToList();
            Assert.Equal(ranks.Order(), ranks);
        }
        Assert.Contains(script.Races, r => r.Steps.Any(s => s.Kind == SubmissionKind.Retry));
        Assert.Contains(script.Races, r => r.Steps.Any(s => s.Kind == SubmissionKind.Correction));
        Assert.Contains(script.Races, r => r.Steps.Any(s => s.Kind == SubmissionKind.Invalid));
    }

    public static TheoryData<long> Seeds() => [.. Enumerable.Range(1, 40).Select(i => (long)i * 7919)];

    [Fact]
    public void Every_kind_of_mistake_breaks_at_least_one_rule_for_every_race()
    {
        var breaker = new FormBreaker(Registry, seed: 5);
        var generator = new FormGenerator(new ElectoralProfile(Registry, 5));
        // One TPS of every regency, both of its races.
        var tpsPerRegency = Registry.Root.Children.Select(r => Registry.TpsUnder(r).First());
        foreach (var tps in tpsPerRegency)
        {
            foreach (var contest in tps.Contests)
            {
                var valid = generator.First(tps, contest);
                foreach (var mistake in FormBreaker.Mistakes)
                {
                    var broken = breaker.Break(valid, mistake);
                    Assert.False(FormRules.Validate(broken, Registry).IsEmpty, $"{mistake} on {tps.Code} {contest.Id} keeps every rule");
                }
            }
        }
    }

    [Fact]
    public void A_correction_of_a_correction_is_the_next_version_again()
    {
        var generator = new FormGenerator(new ElectoralProfile(Registry, 11));
        var tps = Registry.TpsUnder("35.78").First();
        var form = generator.First(tps, tps.Contests[1]);
        for (var version = 2; version <= 5; version++)
        {
            form = generator.Correction(form);
            Assert.Equal(version, form.Version);
            AssertKeepsTheRules(form, "correction");
        }
    }
}
