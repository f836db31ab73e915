using Microsoft.Extensions.Configuration;

namespace KpuOrleans.Tps;

/// <summary>
/// How long an idle TPS grain stays in memory (<c>Tps:CollectionAge</c>). A TPS takes its forms within minutes of each
/// other and then idles for the rest of the night, while the regions above it serve viewers all night: keeping the
/// country's 435,296 TPS activations until the silo-wide default age would hold the whole night's forms in memory for
/// nothing. A collected TPS costs nothing to bring back: it reads no row until a correction, a retry or a reader needs
/// them (DESIGN.md, invariant 4).
/// </summary>
public static class TpsCollection
{
    public const string Key = "Tps:CollectionAge";

    public static readonly TimeSpan DefaultAge = TimeSpan.FromMinutes(5);

    public static TimeSpan Age(IConfiguration configuration) => configuration.GetValue(Key, DefaultAge);
}
