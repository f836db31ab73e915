using System.Collections.Concurrent;
using KpuOrleans.Ledger;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>What a test cluster's silos share with the test: one ledger, and counts of what crossed the tree.</summary>
public sealed class ClusterProbe
{
    private static readonly ConcurrentDictionary<string, ClusterProbe> ByService = new();

    public const string ConfigKey = "KpuTest:Probe";

    public InMemoryLedger Ledger { get; } = new();

    /// <summary>Arrival time of every report the province received.</summary>
    public ConcurrentQueue<DateTime> ProvinceReports { get; } = new();

    public int Duplicates;
    public int StaleDeliveries;

    public static ClusterProbe For(string serviceId) => ByService.GetOrAdd(serviceId, _ => new ClusterProbe());
}
