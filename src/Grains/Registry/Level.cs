namespace KpuOrleans.Registry;

/// <summary>The tiers of the recap, top to bottom; results climb them from <see cref="Tps"/> up.</summary>
public enum Level
{
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
        Level.Province => "province",
        Level.Regency => "regency",
        Level.District => "district",
        Level.Village => "village",
        Level.Tps => "tps",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static Level ParseLevel(string name) => name switch
    {
        "province" => Level.Province,
        "regency" => Level.Regency,
        "district" => Level.District,
        "village" => Level.Village,
        _ => throw new FormatException($"unknown region level '{name}'"),
    };
}
