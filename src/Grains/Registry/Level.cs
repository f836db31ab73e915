namespace KpuOrleans.Registry;

/// <summary>The tiers of the recap, top to bottom; results climb them from <see cref="Tps"/> up.</summary>
public enum Level
{
    /// <summary>
    /// The whole country (KPU RI), above the Kemendagri codes: present only in a registry of more than one province.
    /// Below zero so that every Kemendagri level keeps its number (a code's segment count less one).
    /// </summary>
    Nation = -1,
    Province,
    Regency,
    District,
    Village,
    Tps,
}

public static class LevelNames
{
    public static string ToApiName(this Level level) => level switch
    {
        Level.Nation => "nation",
        Level.Province => "province",
        Level.Regency => "regency",
        Level.District => "district",
        Level.Village => "village",
        Level.Tps => "tps",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static Level ParseLevel(string name) => name switch
    {
        "nation" => Level.Nation,
        "province" => Level.Province,
        "regency" => Level.Regency,
        "district" => Level.District,
        "village" => Level.Village,
        _ => throw new FormatException($"unknown region level '{name}'"),
    };
}
