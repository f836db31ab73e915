using KpuOrleans.Forms;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

public class TallyTests
{
    [Fact]
    public void Replacing_a_contribution_is_plus_new_minus_old_in_every_field()
    {
        var old = new Tally(1, [10, 20], 30, 2, 32, 100, 1, 0);
        var @new = new Tally(2, [11, 25], 36, 1, 37, 100, 1, 1);
        var total = new Tally(7, [100, 200], 300, 20, 320, 1000, 5, 2);

        var replaced = total.Plus(@new).Minus(old);

        Assert.True(replaced.SameCounts(new Tally(8, [101, 205], 306, 19, 325, 1000, 5, 3)), replaced.ToString());
        Assert.True(replaced.Minus(@new).Plus(old).SameCounts(total));
    }

    [Fact]
    public void Tallies_of_different_contests_do_not_combine() =>
        Assert.Throws<ArgumentException>(() => Tally.Zero(2).Plus(Tally.Zero(3)));

    [Fact]
    public void Anomalies_flag_odd_but_valid_forms()
    {
        var tps = Jatim.Registry.Get("35.78.01.1001.004");
        var contest = Jatim.Registry.FindContest("PGUB-35")!;
        var form = SampleForms.Valid(tps, contest, new Random(1));
        Assert.Empty(Anomalies.Find(form));

        var landslide = form with { Votes = new Dictionary<string, long> { ["1"] = form.Valid, ["2"] = 0, ["3"] = 0 } };
        Assert.Equal([Anomalies.SingleCandidateOver95Pct], Anomalies.Find(landslide));

        var spoilt = form with { Valid = form.Valid - 100, Invalid = form.Invalid + 100 };
        Assert.Contains(Anomalies.InvalidOver10Pct, Anomalies.Find(spoilt));

        var full = form with { Voted = new VotedCounts(form.Registered, 5, 0) };
        Assert.Equal([Anomalies.TurnoutOver95Pct, Anomalies.VotedOverRegistered], Anomalies.Find(full));

        Assert.Equal([Anomalies.Correction], Anomalies.Find(form with { Version = 2, Reason = "recount" }));
    }
}
