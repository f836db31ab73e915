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

    /// <summary>
    /// How long a message may wait for a viewer that reads nothing before its connection is closed. Until then it
    /// only skips to the newest tallies; a page that was merely in a background tab reconnects and starts afresh.
    /// </summary>
    public TimeSpan SlowViewerGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What start-up refuses (the gateway exits 2 rather than run with it).</summary>
    public IEnumerable<string> Problems()
    {
        if (RenewInterval < TimeSpan.FromMilliseconds(100) || RenewInterval > TimeSpan.FromSeconds(50))
            yield return $"{Section}:RenewInterval must be between 00:00:00.1 and 00:00:50 (a watch lapses after a minute unless renewed).";
        if (MaxSubscriptionsPerConnection < 1) yield return $"{Section}:MaxSubscriptionsPerConnection must be at least 1.";
        if (SlowViewerGrace < TimeSpan.FromMilliseconds(100) || SlowViewerGrace > TimeSpan.FromMinutes(10))
            yield return $"{Section}:SlowViewerGrace must be between 00:00:00.1 and 00:10:00.";
    }
}
