using KpuOrleans.Registry;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Checking;

/// <summary>
/// The simulator's own count, independent of the server's arithmetic: for every (TPS, race) the latest version the
/// server accepted, summed into every region above it. A region's version is the sum of its TPS's form versions,
/// its anomalies the TPS whose latest form came back flagged.
/// </summary>
internal sealed class Recount
{
    private readonly Dictionary<(string Contest, string Region), Sum> _sums = new();

    public Recount(RegionRegistry registry, IEnumerable<Acceptance> latestPerRace)
    {
        foreach (var accepted in latestPerRace)
        {
            var form = accepted.Form;
            for (var region = registry.Find(form.Tps); region is not null; region = region.Parent is null ? null : registry.Find(region.Parent))
            {
                var key = (form.Contest, region.Code);
                if (!_sums.TryGetValue(key, out var sum)) _sums[key] = sum = new Sum();
                sum.Add(accepted);
            }
        }
    }

    /// <summary>From the races of a run: the latest accepted version of each.</summary>
    public static Recount Of(RegionRegistry registry, IEnumerable<TpsRace> races) =>
        new(registry, races.Select(r => r.Latest).OfType<Acceptance>());

    public TallyFigures Expected(Contest contest, string region) =>
        _sums.TryGetValue((contest.Id, region), out var sum) ? sum.ToFigures(contest) : TallyFigures.Zero(contest);

    private sealed class Sum
    {
        private readonly Dictionary<string, long> _votes = new(StringComparer.Ordinal);
        private long _valid, _invalid, _voted, _registered, _version;
        private int _tps, _anomalies;

        public void Add(Acceptance accepted)
        {
            var form = accepted.Form;
            foreach (var (number, count) in form.Votes) _votes[number] = _votes.GetValueOrDefault(number) + count;
            _valid += form.Valid;
            _invalid += form.Invalid;
            _voted += form.Voted.Total;
            _registered += form.Registered;
            _version += form.Version;
            _tps++;
            if (accepted.Anomalies.Count > 0) _anomalies++;
        }

        public TallyFigures ToFigures(Contest contest) => new(
            contest.Candidates.ToDictionary(c => c.Number, c => _votes.GetValueOrDefault(c.Number), StringComparer.Ordinal),
            _valid, _invalid, _voted, _registered, _tps, _anomalies, _version);
    }
}
