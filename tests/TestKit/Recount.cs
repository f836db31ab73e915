using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.TestKit;

/// <summary>
/// The test oracle: every node's tally recomputed from scratch out of the latest accepted form of each TPS,
/// independently of the grains' incremental arithmetic.
/// </summary>
public sealed class Recount
{
    private readonly Dictionary<(string Contest, string Region), Tally> _tallies = new();
    private readonly RegionRegistry _registry;

    public Recount(RegionRegistry registry, IEnumerable<AcceptedForm> accepted)
    {
        _registry = registry;
        var latest = accepted
            .GroupBy(a => (a.Form.Tps, a.Form.Contest))
            .Select(g => g.MaxBy(a => a.Form.Version)!);
        foreach (var form in latest)
        {
            var contest = registry.FindContest(form.Form.Contest)!;
            var tally = OfForm(form, contest);
            for (var region = registry.Get(form.Form.Tps); region is not null; region = region.Parent is null ? null : registry.Get(region.Parent))
            {
                var key = (contest.Id, region.Code);
                _tallies[key] = _tallies.TryGetValue(key, out var sum) ? Add(sum, tally) : tally;
            }
        }
    }

    public Tally Expected(string contest, string region) =>
        _tallies.TryGetValue((contest, region), out var tally)
            ? tally
            : Tally.Zero(_registry.FindContest(contest)!.Candidates.Count);

    private static Tally OfForm(AcceptedForm accepted, Contest contest)
    {
        var form = accepted.Form;
        return new Tally(
            form.Version,
            [.. contest.Candidates.Select(c => form.Votes[c.Number])],
            form.Valid,
            form.Invalid,
            form.Voted.Dpt + form.Voted.Dptb + form.Voted.Dpk,
            form.Registered,
            1,
            accepted.Anomalies.Count > 0 ? 1 : 0);
    }

    private static Tally Add(Tally a, Tally b) => new(
        a.Version + b.Version,
        [.. a.Votes.Zip(b.Votes, (x, y) => x + y)],
        a.Valid + b.Valid,
        a.Invalid + b.Invalid,
        a.Voted + b.Voted,
        a.RegisteredReported + b.RegisteredReported,
        a.TpsReported + b.TpsReported,
        a.Anomalies + b.Anomalies);
}
