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
    /// Different (contest, region) pairs the connections from one client address follow between them: what the address
    /// keeps active on the silos, under 4% of the tree's pairs (about 140,000: 60,751 TPS and 9,199 regions
    /// above them, each in about two contests) where 500 connections of 200 let it keep 100,000. A carrier-grade NAT's
    /// phones share the pages they look at; every page of the largest regency, Surabaya, down to its 3,964 TPS is about
    /// 4,150 pairs of one contest, so a city's viewers behind one address fit.
    /// </summary>
    public int MaxSubscriptionsPerAddress { get; set; } = 5_000;

    /// <summary>
    /// Distinct (contest, region) pairs this gateway watches on grains. Every pair above the TPS level of East Java
    /// (about 18,400) fits with room for TPS; what it bounds is one gateway's observer traffic and the grains kept
    /// awake for it, so that viewers drilling into every TPS cannot make one gateway watch the whole tree.
    /// </summary>
    public int MaxWatchesPerGateway { get; set; } = 20_000;

    /// <summary>
    /// Hub calls (Subscribe, Unsubscribe, ...) a connection makes per second, sustained. The results page follows the
    /// region shown and each of its children (39 on the province's page, 104 on the largest village's) and swaps the
    /// whole set on a drill-down; 20 a second is a drill-down every two seconds through average pages.
    /// </summary>
    public int InvocationsPerSecond { get; set; } = 20;

    /// <summary>
    /// Hub calls a connection may make at once before the sustained rate applies: as many as it may hold subscriptions
    /// (<see cref="LiveOptions.MaxSubscriptionsPerConnection"/>), so that any page swap goes through at once.
    /// </summary>
    public int InvocationBurst { get; set; } = 200;

    public IEnumerable<string> Problems()
    {
        if (MaxSubscriptionsPerAddress < 1) yield return $"{Section}:{nameof(MaxSubscriptionsPerAddress)} must be at least 1, not {MaxSubscriptionsPerAddress}.";
        if (MaxWatchesPerGateway < 1) yield return $"{Section}:{nameof(MaxWatchesPerGateway)} must be at least 1, not {MaxWatchesPerGateway}.";
        if (InvocationsPerSecond < 1) yield return $"{Section}:{nameof(InvocationsPerSecond)} must be at least 1, not {InvocationsPerSecond}.";
        if (InvocationBurst < 1) yield return $"{Section}:{nameof(InvocationBurst)} must be at least 1, not {InvocationBurst}.";
    }
}
