using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.TestKit;

/// <summary>Plausible C.Hasil forms that keep every rule of API.md, deterministic for a given <see cref="Random"/>.</summary>
public static class SampleForms
{
    public static ResultForm Valid(RegionInfo tps, Contest contest, Random random, long version = 1, string? reason = null)
    {
        var registered = tps.Registered;
        var dpt = (long)(registered * (0.55 + random.NextDouble() * 0.3));
        var voted = new VotedCounts(dpt, random.Next(0, 4), random.Next(0, 3));
        var invalid = (long)(voted.Total * random.NextDouble() * 0.05);
        var valid = voted.Total - invalid;

        var weights = contest.Candidates.Select(_ => 0.2 + random.NextDouble()).ToArray();
        var votes = new Dictionary<string, long>();
        var left = valid;
        for (var i = 0; i < contest.Candidates.Count; i++)
        {
            var share = i == contest.Candidates.Count - 1 ? left : (long)(valid * weights[i] / weights.Sum());
            share = Math.Min(share, left);
            votes[contest.Candidates[i].Number] = share;
            left -= share;
        }

        var received = registered + (long)Math.Ceiling(registered * 0.025);
        var spoiled = Math.Min(random.Next(0, 4), received - voted.Total);
        var ballots = new BallotCounts(received, voted.Total, spoiled, received - voted.Total - spoiled);
        return new ResultForm(tps.Code, contest.Id, version, registered, voted, ballots, votes, valid, invalid,
            version > 1 ? reason ?? $"recount by PPS, correction {version}" : reason, null);
    }

    /// <summary>The same form as a correction: new numbers, the next version, a reason.</summary>
    public static ResultForm Correction(ResultForm previous, RegionInfo tps, Contest contest, Random random) =>
        Valid(tps, contest, random, previous.Version + 1, $"PPS recount of {tps.Code}, version {previous.Version + 1}");
}
