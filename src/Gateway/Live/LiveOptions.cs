namespace KpuOrleans.Gateway.Live;

/// <summary>Configuration section <c>Live</c>.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// How often a gateway renews its watches on the grains. A watched grain whose silo died comes back on the next
    /// renewal, so this bounds how long a viewer can go without updates after a crash.
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many (contest, region) pairs one connection may watch at once.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 200;
}
