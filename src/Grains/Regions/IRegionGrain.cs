using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>A village, district, regency or the province: the sum of its children, kept live.</summary>
public interface IRegionGrain : ITallyGrain
{
    /// <summary>
    /// A child's latest tallies. Each carries the child's version: a report not newer than the one already applied
    /// for that child is ignored, so reports may arrive twice, late or out of order (DESIGN.md invariant 3).
    /// </summary>
    Task Report(TallySnapshot[] tallies);
}

public interface IVillageGrain : IRegionGrain;

public interface IDistrictGrain : IRegionGrain;

public interface IRegencyGrain : IRegionGrain;

public interface IProvinceGrain : IRegionGrain;
