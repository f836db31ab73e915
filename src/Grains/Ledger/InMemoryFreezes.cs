using KpuOrleans.Registry;

namespace KpuOrleans.Ledger;

/// <summary>
/// The embedded mode's <c>kpu_freezes</c> and its trigger, shared by its ledger and its certificate register: the
/// districts frozen or certified per contest, and one gate under which a correction is checked and stored, a freeze
/// recorded, and a certificate issued, so that none of them can slip between another's check and its effect.
/// </summary>
public sealed class InMemoryFreezes
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Contest, string District), long> _frozen = [];
    private readonly HashSet<(string Contest, string Region)> _certified = [];
    private long _last;

    /// <summary>Runs <paramref name="action"/> under the gate that every freeze, release and certificate takes.</summary>
    public T Atomically<T>(Func<T> action)
    {
        lock (_gate) return action();
    }

    /// <summary>The freeze in force for the district, recorded now if there was none.</summary>
    public long Freeze(string contest, string district) => Atomically(() =>
        _frozen.TryGetValue((contest, district), out var id) ? id : _frozen[(contest, district)] = ++_last);

    /// <summary>Lifts that freeze if it is still the one in force.</summary>
    public bool Release(long freeze) => Atomically(() =>
    {
        var held = _frozen.FirstOrDefault(f => f.Value == freeze);
        return held.Key.Contest is not null && _frozen.Remove(held.Key);
    });

    /// <summary>Marks a region certified or not; the caller holds the gate.</summary>
    public void Certified(string contest, string region, bool inForce)
    {
        if (inForce) _certified.Add((contest, region));
        else _certified.Remove((contest, region));
    }

    /// <summary>Stores a correction only if its district is neither frozen nor certified (Sql/0005_freezes.sql's trigger).</summary>
    /// <exception cref="LedgerRowRefusedException">with <see cref="LedgerRowRefusedException.FrozenSqlState"/>: nothing was stored.</exception>
    public T Guard<T>(string tps, string contest, Func<T> store) => Atomically(() =>
    {
        var district = DistrictOf(tps);
        if (_frozen.ContainsKey((contest, district)) || _certified.Contains((contest, district)))
            throw new LedgerRowRefusedException(LedgerRowRefusedException.FrozenSqlState,
                $"district {district} is frozen or certified for {contest}: a correction of {tps} is refused");
        return store();
    });

    /// <summary>The district a TPS lies in (province, regency, district).</summary>
    public static string DistrictOf(string tps) => RegionCode.Parse(tps).AncestorAt(Level.District).Value;
}
