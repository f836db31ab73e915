using Orleans.Placement;

namespace KpuOrleans.Placement;

/// <summary>
/// Places a node of the tree on the silo its district ranks first (<see cref="DistrictPlacementDirector"/>), so a TPS,
/// its village and its district meet on one silo and the reports among them stay there; only a district's report to
/// its regency and a regency's to its province (each at most one per flush interval) may cross silos. A district, not
/// a regency: Jawa Timur's 38 regencies are too few and too unequal to spread evenly over a few silos, its 666
/// districts are not. DESIGN.md, "Placement".
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("kpu.DistrictPlacement")]
public sealed class DistrictPlacement : PlacementStrategy
{
    public static DistrictPlacement Instance { get; } = new();
}

/// <summary>Marks a grain keyed by a region or TPS code as placed with its district.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DistrictPlacementAttribute() : PlacementAttribute(DistrictPlacement.Instance);
