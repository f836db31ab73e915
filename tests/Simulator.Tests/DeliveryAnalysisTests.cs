using HdrHistogram;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>Delivery is credited only to a message that provably includes the form; a sum that could be made
/// without it proves nothing.</summary>
public class DeliveryAnalysisTests
{
    private static readonly DateTimeOffset Start = new(2024, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private static RegionRegistry Registry => Jatim.Registry;

    private readonly RegionInfo _village = Registry.Get(Registry.Get(Registry.Get("35.79").Children[0]).Children[0]);
    private Contest Contest => _village.Contests[0];

    private TpsRace Race(int index, params (long Version, int AtMs)[] accepted)
    {
        var tps = Registry.Get(_village.Children[index]);
        var generator = new FormGenerator(new ElectoralProfile(Registry, 1));
        var form = generator.First(tps, Contest);
        var race = new TpsRace(tps, Contest, new TpsProgress(2, () => { }), [new Submission(SubmissionKind.First, form, TimeSpan.Zero)], TimeSpan.Zero);
        foreach (var (version, at) in accepted)
        {
            var versioned = version == 1 ? form : form with { Version = version, Reason = "recount" };
            race.Record(new Acceptance(versioned, Start.AddMilliseconds(at), [], Start.AddMilliseconds(at).UtcDateTime));
        }
        return race;
    }

    private SubscriptionLog Log(params (long Version, int UpdatedAtMs, int ReceivedAtMs)[] messages)
    {
        var log = new SubscriptionLog(new TallyTarget(Contest, _village), 0, Start.UtcDateTime);
        foreach (var (version, updatedAt, received) in messages)
            log.Add(new TallyMessage(version, Start.AddMilliseconds(updatedAt), Start.AddMilliseconds(received).UtcDateTime));
        return log;
    }

    private static double Ms(long micros) => micros / 1000.0;

    [Fact]
    public void A_message_missing_one_of_two_forms_proves_neither_and_the_complete_one_proves_both()
    {
        var races = new[] { Race(0, (1, 0)), Race(1, (1, 10)) };
        // At 100 ms a tally with one of the two (which one cannot be told); at 500 ms both.
        var log = Log((1, 10, 100), (2, 10, 500));

        var report = DeliveryAnalysis.Analyse([log], races);

        Assert.Equal(0, report.Unproven);
        Assert.Equal(2, report.Seen.All.TotalCount);
        Assert.Equal(500, Ms(report.Seen.All.GetMaxValue()), 0);       // the first form, seen at 500 ms
        Assert.Equal(490, Ms(report.Seen.All.GetValueAtPercentile(0)), 0); // the second, 10 ms later, seen at 500 ms
        // Display lag: at 100 ms the tally already held as many changes as there were when the first form came in.
        Assert.Equal(100, Ms(report.CaughtUp.All.GetValueAtPercentile(0)), 0);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void A_form_never_provably_included_is_counted_unproven()
    {
        var races = new[] { Race(0, (1, 0)), Race(1, (1, 10)) };
        var report = DeliveryAnalysis.Analyse([Log((1, 10, 100))], races);

        Assert.Equal(2, report.Unproven);
        Assert.Equal(0, report.Seen.All.TotalCount);
    }

    [Fact]
    public void An_earlier_version_of_a_corrected_form_is_proven_even_while_a_step_is_missing()
    {
        // A: v1 at 0 ms, v2 at 20 ms; B: v1 at 30 ms. A tally of version 2 by 30 ms lacks one step, wherever it is:
        // A holds at least v1 either way; neither A's v2 nor B's v1 is proven.
        var races = new[] { Race(0, (1, 0), (2, 20)), Race(1, (1, 30)) };
        var report = DeliveryAnalysis.Analyse([Log((2, 30, 200))], races);

        Assert.Equal(1, report.Seen.All.TotalCount);
        Assert.Equal(200, Ms(report.Seen.All.GetMaxValue()), 0);
        Assert.Equal(2, report.Unproven);
    }

    [Fact]
    public void A_tally_showing_more_than_was_accepted_by_its_updatedAt_is_a_problem()
    {
        var races = new[] { Race(0, (1, 0)), Race(1, (1, 10)) };
        var report = DeliveryAnalysis.Analyse([Log((2, 5, 100))], races);

        Assert.Contains("only 1 version steps", Assert.Single(report.Problems));
    }
}
