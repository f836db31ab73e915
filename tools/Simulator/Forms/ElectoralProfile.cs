using System.Collections.Concurrent;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Forms;

/// <summary>
/// How a place votes, drawn once from the seed: each regency has its own turnout, invalid-ballot rate and share of
/// transferred voters; each district leans a little off its regency; each race has its candidates' base strength, and
/// each area (the regency for the governor's race, the district for a regent's or mayor's) its own swing. A TPS's form
/// is noise around these, so the figures look like an election night rather than uniform noise.
/// </summary>
internal sealed class ElectoralProfile(RegionRegistry registry, long seed)
{
    private readonly ConcurrentDictionary<string, RegencyTraits> _regencies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _districtLean = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Contest, string Area), double[]> _preferences = new();

    public long Seed => seed;

    public RegionRegistry Registry => registry;

    /// <summary>Mean share of the DPT that votes at this regency's TPS (Pilkada 2024 ranged roughly 55–80%).</summary>
    public double TurnoutMean(string regency) => Traits(regency).Turnout;

    /// <summary>Mean share of invalid ballots at this regency's TPS.</summary>
    public double InvalidRate(string regency) => Traits(regency).Invalid;

    /// <summary>Mean share of voters from the transfer list (DPTb), relative to the DPT.</summary>
    public double TransferRate(string regency) => Traits(regency).Transfer;

    /// <summary>How far this district's turnout sits from its regency's mean.</summary>
    public double DistrictLean(string district) => _districtLean.GetOrAdd(district,
        d => 0.025 * SeededRandom.For(seed, "district-lean", d).Normal());

    /// <summary>Relative strength of each ballot entry of <paramref name="contest"/> around <paramref name="tps"/>, in ballot order.</summary>
    public double[] Preference(Contest contest, RegionInfo tps)
    {
        var area = contest.Kind == "governor" ? Ancestor(tps, Level.Regency) : Ancestor(tps, Level.District);
        return _preferences.GetOrAdd((contest.Id, area.Code), key =>
        {
            var baseline = SeededRandom.For(seed, "contest-strength", key.Contest);
            var swing = SeededRandom.For(seed, "area-swing", key.Contest, key.Area);
            return [.. contest.Candidates.Select(c =>
                Math.Exp(0.7 * baseline.Normal()) * (c.EmptyColumn ? 0.4 : 1.0) * Math.Exp(0.3 * swing.Normal()))];
        });
    }

    /// <summary>The region at <paramref name="level"/> that holds <paramref name="region"/> (itself at that level).</summary>
    public RegionInfo Ancestor(RegionInfo region, Level level)
    {
        var current = region;
        while (current.Level > level) current = registry.Get(current.Parent!);
        return current;
    }

    private RegencyTraits Traits(string regency) => _regencies.GetOrAdd(regency, r =>
    {
        var random = SeededRandom.For(seed, "regency", r);
        return new RegencyTraits(
            Turnout: random.Between(0.56, 0.80),
            Invalid: random.Between(0.015, 0.05),
            Transfer: random.Between(0.002, 0.012));
    });

    private sealed record RegencyTraits(double Turnout, double Invalid, double Transfer);
}
