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
    // Sums for the regions above the TPS only: a TPS's figures are its one form's, read when asked, so that a national
    // night (850,000 races) holds one entry per race here rather than a sum with its own vote table.
    private readonly Dictionary<(string Contest, string Region), Sum> _sums = new();
    private readonly Dictionary<(string Contest, string Tps), (Acceptance Latest, RaceEvidence Evidence)> _stations = new();

    public Recount(RegionRegistry registry, IEnumerable<Acceptance> latestPerRace)
        : this(registry, latestPerRace.Select(a => (a, RaceEvidence.None)))
    {
    }

    /// <param name="races">Each race's latest accepted version, and what its evidence looks like at the end.</param>
    private Recount(RegionRegistry registry, IEnumerable<(Acceptance Latest, RaceEvidence Evidence)> races)
    {
        foreach (var (accepted, evidence) in races)
        {
            var form = accepted.Form;
            if (registry.Find(form.Tps) is not { } tps) continue;
            _stations[(form.Contest, tps.Code)] = (accepted, evidence);
            // Up to the race's scope: above it (the nation, or a province over a regent's race) no tally exists.
            for (var region = tps.Parent is null ? null : registry.Find(tps.Parent); region?.FindContest(form.Contest) is not null;
                 region = region.Parent is null ? null : registry.Find(region.Parent))
            {
                var key = (form.Contest, region.Code);
                if (!_sums.TryGetValue(key, out var sum)) _sums[key] = sum = new Sum();
                sum.Add(accepted, evidence);
            }
        }
    }

    /// <summary>From the races of a run: the latest accepted version of each.</summary>
    public static Recount Of(RegionRegistry registry, IEnumerable<TpsRace> races) =>
        new(registry, races.Where(r => r.Latest is not null).Select(r => (r.Latest!, new RaceEvidence(r.PhotoMissing, r.DisputesFiled))));

    public TallyFigures Expected(Contest contest, string region)
    {
        if (_sums.TryGetValue((contest.Id, region), out var sum)) return sum.ToFigures(contest);
        if (!_stations.TryGetValue((contest.Id, region), out var station)) return TallyFigures.Zero(contest);
        var alone = new Sum();
        alone.Add(station.Latest, station.Evidence);
        return alone.ToFigures(contest);
    }

    private sealed class Sum
    {
        private readonly Dictionary<string, long> _votes = new(StringComparer.Ordinal);
        private long _valid, _invalid, _voted, _registered, _version;
        private int _tps, _anomalies, _photoMissing, _disputes;

        public void Add(Acceptance accepted, RaceEvidence evidence)
        {
            var form = accepted.Form;
            foreach (var (number, count) in form.Votes) _votes[number] = _votes.GetValueOrDefault(number) + count;
            _valid += form.Valid;
            _invalid += form.Invalid;
            _voted += form.Voted.Total;
            _registered += form.Registered;
            _version += form.Version;
            _tps++;
            // A form flagged photo-missing when accepted loses the flag once its pages are stored: what counts is the end.
            if (accepted.Anomalies.Any(a => a is not (RaceEvidence.PhotoMissingFlag or RaceEvidence.DisputedFlag)) || evidence.PhotoMissing || evidence.Disputes > 0)
                _anomalies++;
            if (evidence.PhotoMissing) _photoMissing++;
            _disputes += evidence.Disputes;
        }

        public TallyFigures ToFigures(Contest contest) => new(
            contest.Candidates.ToDictionary(c => c.Number, c => _votes.GetValueOrDefault(c.Number), StringComparer.Ordinal),
            _valid, _invalid, _voted, _registered, _tps, _anomalies, _version, _photoMissing, _disputes);
    }
}

/// <summary>A race's evidence at the end of a run: whether its latest form still cites a page not stored, and the disputes open about it.</summary>
internal sealed record RaceEvidence(bool PhotoMissing, int Disputes)
{
    public const string PhotoMissingFlag = "photo-missing";
    public const string DisputedFlag = "disputed";

    public static readonly RaceEvidence None = new(false, 0);
}
