using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The simulator on the national registry (data/indonesia): which registry it runs on, the country's night, slices
/// across provinces, the races each TPS votes in, and nothing read, followed or summed at the root 0.
/// </summary>
public class NationalScriptTests
{
    private static RegionRegistry Country => Indonesia.Registry;

    [Fact]
    public void The_registry_is_chosen_as_the_gateways_choose_it()
    {
        var national = Path.GetFullPath(Indonesia.Folder);
        var jatim = Path.Combine(AppContext.BaseDirectory, "data");

        Assert.Equal("data/indonesia", OptionsParser.Parse(["flood", "--registry", "data/indonesia"]).Options!.DataFolder);
        Assert.Equal("data/indonesia", OptionsParser.Parse(["flood", "--data", "data/indonesia"]).Options!.DataFolder);
        // Typed, then Registry__Path, then Jawa Timur beside the binaries; a relative folder is found beside them too.
        Assert.Equal(national, Path.GetFullPath(new SimulatorOptions { DataFolder = "data/indonesia" }.RegistryFolder("data")));
        Assert.Equal(national, Path.GetFullPath(new SimulatorOptions().RegistryFolder("data/indonesia")));
        Assert.Equal(jatim, new SimulatorOptions().RegistryFolder(null));
        Assert.Equal(jatim, new SimulatorOptions().RegistryFolder(""));
    }

    [Fact]
    public void The_country_s_night_is_slower_than_Jawa_Timur_s_about_90_percent_eleven_hours_after_the_polls_close()
    {
        Assert.Same(ArrivalCurve.Indonesia2024, ArrivalCurve.For(Country));
        Assert.Same(ArrivalCurve.Pilkada2024, ArrivalCurve.For(Jatim.Registry));
        Assert.Equal(0.90, ArrivalCurve.Indonesia2024.ShareBy(TimeSpan.FromHours(11)), 3);
        Assert.True(ArrivalCurve.Indonesia2024.ShareBy(TimeSpan.FromHours(8)) < ArrivalCurve.Pilkada2024.ShareBy(TimeSpan.FromHours(8)));
        Assert.Equal(1.0, ArrivalCurve.Indonesia2024.ShareBy(ArrivalCurve.Indonesia2024.Length));
    }

    [Fact]
    public void A_slice_takes_codes_from_several_provinces_and_no_slice_is_the_whole_country()
    {
        var slice = SimulationRunner.Slice(Country, new SimulatorOptions { Regions = ["31", "34", "35.78", "31.71", "34.04.01"] });

        Assert.Equal(["31", "34", "35.78"], slice.Select(r => r.Code));
        Assert.Equal(["0"], SimulationRunner.Slice(Country, new SimulatorOptions()).Select(r => r.Code));
    }

    [Fact]
    public void Each_TPS_sends_the_forms_of_the_races_covering_it_only()
    {
        var jakarta = Country.TpsUnder("31.71").First();
        var yogyakarta = Country.TpsUnder("34.71").First();
        var surabaya = Country.TpsUnder("35.78").First();

        var script = ElectionScript.Write(Country, [jakarta, yogyakarta, surabaya], 7, SubmissionMix.FirstFormsOnly, ArrivalCurve.Indonesia2024, () => { });

        Assert.Equal([
            (jakarta.Code, "PGUB-31"), (yogyakarta.Code, "PWAL-34.71"), (surabaya.Code, "PGUB-35"), (surabaya.Code, "PWAL-35.78"),
        ], script.Races.Select(r => (r.Tps.Code, r.Contest.Id)));
        Assert.Equal(4, script.SubmissionCount);
    }

    [Fact]
    public void The_check_reads_every_race_up_to_its_scope_and_nothing_at_the_root()
    {
        var slice = SimulationRunner.Slice(Country, new SimulatorOptions { Regions = ["31", "34", "35.78"] });

        var targets = TallyChecker.TargetsFor(Country, slice, Level.Regency);

        Assert.DoesNotContain(targets, t => t.Region.Code is "0" or "34");
        Assert.All(targets, t => Assert.True(t.Contest.Covers(t.Region.Code), t.ToString()));
        // Jakarta's governor at 31 and its 6 regencies; each of Yogyakarta's 5 regencies in its own race; the
        // governor of Jawa Timur at 35 and 35.78, and Surabaya's mayor at 35.78.
        Assert.Equal(7, targets.Count(t => t.Contest.Id == "PGUB-31"));
        Assert.Equal(Country.Get("34").Children, targets.Where(t => t.Region.Code.StartsWith("34.", StringComparison.Ordinal)).Select(t => t.Region.Code));
        Assert.Equal(["PGUB-35 35", "PGUB-35 35.78", "PWAL-35.78 35.78"], targets.Where(t => t.Contest.Scope.StartsWith("35", StringComparison.Ordinal))
            .Select(t => t.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(15, targets.Count);
    }

    [Fact]
    public void The_recount_sums_a_race_up_to_its_scope_and_answers_a_TPS_from_its_form()
    {
        var tps = Country.TpsUnder("34.71").First();
        var race = tps.Contests.Single();
        var form = SampleForms.Valid(tps, race, new Random(34));

        var recount = new Checking.Recount(Country, [new Acceptance(form, DateTimeOffset.UnixEpoch, [], DateTime.UnixEpoch)]);

        Assert.Equal(form.Valid, recount.Expected(race, tps.Code).Valid);
        Assert.Equal(1, recount.Expected(race, tps.Code).TpsReported);
        Assert.Equal(form.Valid, recount.Expected(race, "34.71").Valid);
        Assert.Equal(0, recount.Expected(race, "34").TpsReported);
        Assert.Equal(0, recount.Expected(race, "0").TpsReported);
    }

    [Fact]
    public void Viewers_follow_no_region_without_a_race()
    {
        var plan = SubscriptionPlan.Draw(Country, [Country.Root], 200, 19);

        var followed = plan.SelectMany(viewer => viewer).ToList();
        Assert.DoesNotContain(followed, t => t.Region.Code is "0" or "34");
        Assert.All(followed, t => Assert.True(t.Contest.Covers(t.Region.Code), t.ToString()));
        // From a province down to a TPS: five levels for each viewer.
        Assert.All(plan, viewer => Assert.Equal([Level.Province, Level.Regency, Level.District, Level.Village, Level.Tps], viewer.Select(t => t.Region.Level)));
    }

    [Fact]
    public void A_signed_batch_is_sent_one_province_at_a_time_in_the_order_taken()
    {
        var script = ElectionScript.Write(Country,
            [Country.TpsUnder("31.71").First(), Country.TpsUnder("35.78").First(), Country.TpsUnder("31.72").First(), Country.TpsUnder("34.71").First()],
            7, SubmissionMix.FirstFormsOnly, ArrivalCurve.Indonesia2024, () => { });
        var taken = script.Races.Select(r => new PendingSubmission(r, r.Current!)).ToList();

        var batches = Sender.ByProvince(taken).Select(b => b.Select(p => p.Step.Form.Tps[..2]).Distinct().Single()).ToList();

        Assert.Equal(["31", "35", "34"], batches);
        Assert.Equal(taken.Count, Sender.ByProvince(taken).Sum(b => b.Count));
        var jakarta = taken.Where(p => p.Step.Form.Tps.StartsWith("31", StringComparison.Ordinal)).ToList();
        Assert.Same(jakarta, Sender.ByProvince(jakarta).Single());
    }
}
