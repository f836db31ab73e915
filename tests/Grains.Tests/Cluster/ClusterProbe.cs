using System.Collections.Concurrent;
using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// What a test cluster's silos share with the test: one ledger and one certificate register, obeying one set of
/// freezes as PostgreSQL's would, and counts of what crossed the tree.
/// </summary>
public sealed class ClusterProbe
{
    private static readonly ConcurrentDictionary<string, ClusterProbe> ByService = new();

    public const string ConfigKey = "KpuTest:Probe";

    public ClusterProbe()
    {
        Ledger = new InMemoryLedger(Freezes);
        Certificates = new InMemoryCertificateRegister(Freezes);
    }

    public InMemoryFreezes Freezes { get; } = new();

    public InMemoryLedger Ledger { get; }

    public InMemoryCertificateRegister Certificates { get; }

    /// <summary>Disputes, shared by the silos as PostgreSQL's register is.</summary>
    public InMemoryDisputeRegister Disputes { get; } = new();

    /// <summary>Arrival time of every report the province received.</summary>
    public ConcurrentQueue<DateTime> ProvinceReports { get; } = new();

    /// <summary>Reads of each TPS's rows the silos made (<see cref="CountingLedger"/>).</summary>
    public ConcurrentDictionary<string, int> TpsReads { get; } = new();

    /// <summary>Reports sent upward, by the level of the node that sent them (<see cref="NationalTreeSilo"/>).</summary>
    public ConcurrentDictionary<KpuOrleans.Registry.Level, int> ReportsSentFrom { get; } = new();

    public int Duplicates;
    public int StaleDeliveries;

    public static ClusterProbe For(string serviceId) => ByService.GetOrAdd(serviceId, _ => new ClusterProbe());
}
