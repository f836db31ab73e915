using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.TestKit;

/// <summary>
/// The test oracle: every node's tally and digest recomputed from scratch out of the latest accepted form of each
/// TPS, independently of the grains' incremental arithmetic (the digests with the same canonical encoding, which
/// API.md's test vector checks on its own).
/// </summary>
public sealed class Recount
{
    private readonly Dictionary<(string Contest, string Region), Tally> _tallies = new();
    private readonly Dictionary<(string Contest, string Region), string> _digests = new();
    private readonly RegionRegistry _registry;

    /// <param name="evidence">What each latest form's evidence adds (photos stored, disputes); none when null.</param>
    public Recount(RegionRegistry registry, IEnumerable<AcceptedForm> accepted, Func<ResultForm, FormEvidence>? evidence = null)
    {
        _registry = registry;
        var latest = accepted
            .GroupBy(a => (a.Form.Tps, a.Form.Contest))
            .Select(g => g.MaxBy(a => a.Form.Version)!);
        foreach (var form in latest)
        {
            var contest = registry.FindContest(form.Form.Contest)!;
            var tally = OfForm(form, contest, evidence?.Invoke(form.Form) ?? FormEvidence.None);
            _digests[(contest.Id, form.Form.Tps)] = TallyDigest.OfForm(form.Form, contest);
            for (var region = registry.Get(form.Form.Tps); region is not null; region = region.Parent is null ? null : registry.Get(region.Parent))
            {
                var key = (contest.Id, region.Code);
                _tallies[key] = _tallies.TryGetValue(key, out var sum) ? Add(sum, tally) : tally;
            }
        }
        DigestRegions();
    }

    /// <summary>Regions' digests, deepest first, each from its children's: TPS → village → … → province.</summary>
    private void DigestRegions()
    {
        var children = _tallies.Keys
            .Where(key => _registry.Get(key.Region).Parent is not null)
            .ToLookup(key => (key.Contest, Parent: _registry.Get(key.Region).Parent!), key => key.Region);
        foreach (var key in _tallies.Keys.Where(k => !_digests.ContainsKey(k)).OrderByDescending(k => k.Region.Length))
        {
            var below = children[(key.Contest, key.Region)].Select(child => (child, (string?)_digests[(key.Contest, child)]));
            _digests[key] = TallyDigest.OfRegion(_registry.FindContest(key.Contest)!, key.Region, _tallies[key], below)!;
        }
    }

    /// <summary>Null while nothing is accepted at or below the node.</summary>
    public string? ExpectedDigest(string contest, string region) => _digests.GetValueOrDefault((contest, region));

    public Tally Expected(string contest, string region) =>
        _tallies.TryGetValue((contest, region), out var tally)
            ? tally
            : Tally.Zero(_registry.FindContest(contest)!.Candidates.Count);

    private static Tally OfForm(AcceptedForm accepted, Contest contest, FormEvidence evidence)
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
            accepted.Anomalies.Count > 0 || evidence.PhotoMissing || evidence.Disputes.Open > 0 ? 1 : 0,
            evidence.PhotoMissing ? 1 : 0,
            evidence.Disputes.Open,
            evidence.PagesStored + evidence.Disputes.Events);
    }

    private static Tally Add(Tally a, Tally b) => new(
        a.Version + b.Version,
        [.. a.Votes.Zip(b.Votes, (x, y) => x + y)],
        a.Valid + b.Valid,
        a.Invalid + b.Invalid,
        a.Voted + b.Voted,
        a.RegisteredReported + b.RegisteredReported,
        a.TpsReported + b.TpsReported,
        a.Anomalies + b.Anomalies,
        a.PhotoMissing + b.PhotoMissing,
        a.DisputesOpen + b.DisputesOpen,
        a.Revision + b.Revision);
}
