using KpuOrleans.Certification;
using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>A village, district, regency or the province: the sum of its children, kept live.</summary>
public interface IRegionGrain : ITallyGrain
{
    /// <summary>
    /// A child's latest tallies. Each carries the child's version: a report not newer than the one already applied
    /// for that child is ignored, so reports may arrive twice, late or out of order (DESIGN.md invariant 3). A report
    /// with the held version but other content means rows were lost: the region rebuilds (<see cref="Rebuild"/>).
    /// </summary>
    Task Report(TallySnapshot[] tallies);

    /// <summary>
    /// <see cref="Report"/> without an answer, for a TPS: one lost (a crash between the TPS's commit and this call) is
    /// healed by the reconciliation pass, which compares every node with the ledger, so the TPS need not wait.
    /// </summary>
    [OneWay]
    Task Hear(TallySnapshot[] tallies);

    /// <summary>
    /// Re-reads what the children hold now (a village: the ledger; a higher region: its child grains) and applies
    /// whatever is newer, healing reports lost in a crash. The reconciliation pass calls it on nodes that lag.
    /// </summary>
    Task CatchUp();

    /// <summary>
    /// Re-reads what the children hold now, as <see cref="CatchUp"/> does, and takes it as it is: lower versions
    /// included, and children that have nothing are dropped. The repair of a node ahead of the ledger (acknowledged rows
    /// lost in a database failover); the reconciliation pass calls it, children before parents.
    /// </summary>
    /// <returns>Whether anything changed.</returns>
    Task<bool> Rebuild();

    /// <summary>
    /// The certificate now in force (null: none) for <paramref name="contest"/> in <paramref name="region"/>: this
    /// region, shown with its tally, or one of its children, shown in its list of children.
    /// </summary>
    Task Certified(string contest, string region, CertificateSeal? seal);
}

public interface IVillageGrain : IRegionGrain;

public interface IDistrictGrain : IRegionGrain;

public interface IRegencyGrain : IRegionGrain;

public interface IProvinceGrain : IRegionGrain;
