using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.TestKit;
using Recount = KpuOrleans.Simulator.Checking.Recount;

namespace KpuOrleans.Simulator.Tests;

/// <summary>The end-of-run check catches a tally that is off by one vote, and names it.</summary>
public class TallyCheckerTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    private const string Slice = "35.79";

    /// <summary>Kota Batu's forms, accepted, two of them corrected.</summary>
    private static Recount AcceptedRecount()
    {
        var generator = new FormGenerator(new ElectoralProfile(Registry, 3));
        var accepted = new List<Acceptance>();
        foreach (var tps in Registry.TpsUnder(Slice))
        {
            foreach (var contest in tps.Contests)
            {
                var form = generator.First(tps, contest);
                if (accepted.Count % 100 == 0) form = generator.Correction(form);
                accepted.Add(new Acceptance(form, DateTimeOffset.UtcNow, Anomalies.Find(form), DateTime.UtcNow));
            }
        }
        return new Recount(Registry, accepted);
    }

    private static IReadOnlyList<TallyTarget> Targets() =>
        TallyChecker.TargetsFor(Registry, [Registry.Get(Slice)], Level.Village);

    /// <summary>Shows exactly the recount, except where told otherwise.</summary>
    private sealed class FakeReader(Recount truth, Func<TallyTarget, TallyFigures, TallyFigures>? tamper = null) : ITallyReader
    {
        public Task<(ObservedTally? Tally, string? Problem)> ReadAsync(TallyTarget target, CancellationToken cancellationToken)
        {
            var figures = truth.Expected(target.Contest, target.Region.Code);
            if (tamper is not null) figures = tamper(target, figures);
            return Task.FromResult<(ObservedTally?, string?)>((new ObservedTally(figures, target.Region.Registered, target.Region.TpsCount), null));
        }
    }

    private static TallyChecker Checker(ITallyReader reader) => new(reader, settle: TimeSpan.Zero, pause: TimeSpan.Zero);

    [Fact]
    public async Task Tallies_equal_to_the_recount_pass()
    {
        var recount = AcceptedRecount();
        var report = await Checker(new FakeReader(recount)).CheckAsync(Targets(), recount, CancellationToken.None);

        Assert.True(report.Clean);
        // The province and Kota Batu with both its races, down to every village.
        var districts = Registry.Get(Slice).Children;
        Assert.Equal(1 + 2 * (1 + districts.Count + districts.Sum(d => Registry.Get(d).Children.Count)), report.Checked);
        Assert.True(recount.Expected(Registry.FindContest("PGUB-35")!, "35").TpsReported == Registry.Get(Slice).TpsCount);
    }

    [Fact]
    public async Task One_wrong_number_in_one_tally_fails_the_run_and_names_that_region()
    {
        var recount = AcceptedRecount();
        var wrongDistrict = Registry.Get(Slice).Children[1];
        var reader = new FakeReader(recount, (target, figures) =>
            target.Region.Code == wrongDistrict && target.Contest.Id == "PWAL-35.79"
                ? figures with { Votes = new Dictionary<string, long>(figures.Votes) { ["2"] = figures.Votes["2"] + 1 } }
                : figures);

        var report = await Checker(reader).CheckAsync(Targets(), recount, CancellationToken.None);

        var mismatch = Assert.Single(report.Mismatches);
        Assert.Equal(wrongDistrict, mismatch.Target.Region.Code);
        Assert.Equal("PWAL-35.79", mismatch.Target.Contest.Id);
        Assert.Equal("votes.2", Assert.Single(mismatch.Differences).Split(':')[0]);
        Assert.False(report.Clean);

        var outcome = new SimulationOutcome(new RunStats(), report, 0, 0, 0, [], null);
        Assert.Equal(SimulationOutcome.Failed, outcome.ExitCode);
        var printed = new StringWriter();
        FinalReport.Write(printed, new Options.SimulatorOptions(), Slice, outcome);
        Assert.Contains($"PWAL-35.79 {wrongDistrict}: votes.2: expected", printed.ToString());
        Assert.Contains("Result: FAILED", printed.ToString());
    }

    [Fact]
    public async Task A_tally_that_cannot_be_read_or_lags_a_version_is_a_mismatch_too()
    {
        var recount = AcceptedRecount();
        var reader = new FakeReader(recount, (target, figures) =>
            target.Region.Level == Level.Province ? figures with { Version = figures.Version - 1 } : figures);

        var report = await Checker(reader).CheckAsync(Targets(), recount, CancellationToken.None);

        var mismatch = Assert.Single(report.Mismatches);
        Assert.Equal("35", mismatch.Target.Region.Code);
        Assert.StartsWith("version:", Assert.Single(mismatch.Differences));
    }

    [Fact]
    public async Task A_tally_that_catches_up_within_the_settle_time_passes()
    {
        var recount = AcceptedRecount();
        var reads = 0;
        var reader = new FakeReader(recount, (target, figures) =>
            target.Region.Level == Level.Province && Interlocked.Increment(ref reads) == 1 ? figures with { Valid = 0 } : figures);

        var report = await new TallyChecker(reader, settle: TimeSpan.FromMinutes(5), pause: TimeSpan.Zero).CheckAsync(Targets(), recount, CancellationToken.None);

        Assert.True(report.Clean);
        Assert.Equal(2, report.Rounds);
    }
}
