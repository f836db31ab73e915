using Orleans.Placement;

namespace KpuOrleans.Placement;

/// <summary>
/// Places a node of the tree on the silo its regency ranks first (<see cref="RegencyPlacementDirector"/>), so a TPS,
/// its village, its district and its regency meet on one silo and their reports up the tree stay there; only a
/// regency's report to its province (at most one per flush interval) crosses silos. DESIGN.md, "Placement".
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("kpu.RegencyPlacement")]
public sealed class RegencyPlacement : PlacementStrategy
{
    public static RegencyPlacement Instance { get; } = new();
}

/// <summary>Marks a grain keyed by a region or TPS code as placed with its regency.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RegencyPlacementAttribute() : PlacementAttribute(RegencyPlacement.Instance);
