namespace KpuOrleans.Gateway.Live;

/// <summary>
/// The <c>Live</c> section's limits on viewers beyond one connection's (<see cref="LiveOptions.MaxSubscriptionsPerConnection"/>),
/// enforced by <see cref="ViewerQuotas"/> and <see cref="InvocationLimit"/> in every mode. Before them one client
/// address could open 500 connections of 200 subscriptions each and keep 100,000 tallies (most of the tree's TPS)
/// active on the silos.
/// </summary>
public sealed class ViewerLimitOptions
{
    public const string Section = LiveOptions.Section;

    /// <summary>
    /// (Contest, region) pairs followed by all connections from one client address together. A results page follows
    /// one region per level it shows (about five), so a carrier-grade NAT with 400 phones on the results page at
    /// once fits; one address keeps at most this many tallies active, some 1.5% of the tree's pairs (about 140,000:
    /// 60,751 TPS and 9,199 regions above them, each in about two contests).
    /// </summary>
    public int MaxSubscriptionsPerAddress { get; set; } = 2_000;

    /// <summary>
    /// Distinct (contest, region) pairs this gateway watches on grains. Every pair above the TPS level of East Java
    /// (about 18,400) fits with room for TPS; what it bounds is one gateway's observer traffic and the grains kept
    /// awake for it, so that viewers drilling into every TPS cannot make one gateway watch the whole tree.
    /// </summary>
    public int MaxWatchesPerGateway { get; set; } = 20_000;

    /// <summary>
    /// Hub calls (Subscribe, Unsubscribe, ...) a connection makes per second, sustained. A person drilling down swaps a
    /// handful of subscriptions per click, far below this.
    /// </summary>
    public int InvocationsPerSecond { get; set; } = 10;

    /// <summary>Hub calls a connection may make at once before the sustained rate applies: a page load plus a drill-down.</summary>
    public int InvocationBurst { get; set; } = 20;

    public IEnumerable<string> Problems()
    {
        if (MaxSubscriptionsPerAddress < 1) yield return $"{Section}:{nameof(MaxSubscriptionsPerAddress)} must be at least 1, not {MaxSubscriptionsPerAddress}.";
        if (MaxWatchesPerGateway < 1) yield return $"{Section}:{nameof(MaxWatchesPerGateway)} must be at least 1, not {MaxWatchesPerGateway}.";
        if (InvocationsPerSecond < 1) yield return $"{Section}:{nameof(InvocationsPerSecond)} must be at least 1, not {InvocationsPerSecond}.";
        if (InvocationBurst < 1) yield return $"{Section}:{nameof(InvocationBurst)} must be at least 1, not {InvocationBurst}.";
    }
}
