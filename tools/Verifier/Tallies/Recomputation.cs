using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Tallies;

/// <summary>
/// Every node's tally of one contest rebuilt from the forms alone, bottom up: TPS, village, district, regency,
/// province, stopping at the contest's scope. Only nodes with a form at or below them appear; every other node of
/// the scope must show <see cref="TallyFigures.Zero"/>.
/// </summary>
public static class Recomputation
{
    /// <param name="rows">At most one row per TPS, each a TPS code inside the contest's scope.</param>
    /// <returns>By region code.</returns>
    public static IReadOnlyDictionary<string, TallyFigures> Recompute(ContestInfo contest, IEnumerable<FormRow> rows)
    {
        var tallies = new Dictionary<string, TallyFigures>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!RegionCode.IsTps(row.Tps) || !contest.Covers(row.Tps))
                throw new ArgumentException($"{row.Tps} is not a TPS of {contest.Id}'s scope {contest.Scope}", nameof(rows));
            if (!tallies.TryAdd(row.Tps, TallyFigures.OfForm(contest, row)))
                throw new ArgumentException($"{row.Tps} has more than one row", nameof(rows));
        }

        // One level at a time, deepest first, so that every child is final before its parent sums it.
        var scopeDepth = RegionCode.Depth(contest.Scope);
        for (var depth = RegionCode.TpsDepth; depth > scopeDepth; depth--)
        {
            var parents = new Dictionary<string, RegionSum>(StringComparer.Ordinal);
            foreach (var (code, tally) in tallies.Where(t => RegionCode.Depth(t.Key) == depth).ToList())
            {
                var parent = RegionCode.Parent(code)!;
                if (!parents.TryGetValue(parent, out var sum)) parents[parent] = sum = new RegionSum(contest.Ballot.Count);
                sum.Add(code, tally);
            }
            foreach (var (code, sum) in parents) tallies[code] = sum.Tally(contest, code);
        }
        return tallies;
    }

    private sealed class RegionSum(int ballotSize)
    {
        private readonly long[] _votes = new long[ballotSize];
        private readonly List<(string Code, string? Digest)> _children = [];
        private long _valid, _invalid, _voted, _registeredReported, _tpsReported, _version;

        public void Add(string code, TallyFigures child)
        {
            for (var i = 0; i < _votes.Length; i++) _votes[i] += child.Votes[i];
            _valid += child.Valid;
            _invalid += child.Invalid;
            _voted += child.Voted;
            _registeredReported += child.RegisteredReported;
            _tpsReported += child.TpsReported;
            _version += child.Version;
            _children.Add((code, child.Digest));
        }

        public TallyFigures Tally(ContestInfo contest, string region)
        {
            var totals = new TallyFigures(_votes, _valid, _invalid, _voted, _registeredReported, _tpsReported, _version, null);
            return totals with { Digest = DigestEncoding.OfRegion(contest, region, totals, _children) };
        }
    }
}
