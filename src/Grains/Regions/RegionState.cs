using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>
/// What a region stores: the last report applied from each child, per contest. Its own totals are not stored;
/// they are the sum of these and are recomputed on activation.
/// </summary>
[GenerateSerializer, Alias("kpu.RegionState")]
public sealed class RegionState
{
    /// <summary>contest → child code → the child's last applied tally.</summary>
    [Id(0)]
    public Dictionary<string, Dictionary<string, TallySnapshot>> Children { get; set; } = new(StringComparer.Ordinal);
}
