using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Tps;

namespace KpuOrleans.Regions;

public static class GrainFactoryExtensions
{
    public static IRegionGrain GetRegionGrain(this IGrainFactory grains, RegionInfo region) => region.Level switch
    {
        Level.Village => grains.GetGrain<IVillageGrain>(region.Code),
        Level.District => grains.GetGrain<IDistrictGrain>(region.Code),
        Level.Regency => grains.GetGrain<IRegencyGrain>(region.Code),
        Level.Province => grains.GetGrain<IProvinceGrain>(region.Code),
        _ => throw new ArgumentException($"{region.Code} is a TPS, not a region"),
    };

    /// <summary>The grain that answers for any node of the tree, TPS included.</summary>
    public static ITallyGrain GetTallyGrain(this IGrainFactory grains, RegionInfo region) =>
        region.Level == Level.Tps ? grains.GetGrain<ITpsGrain>(region.Code) : grains.GetRegionGrain(region);
}
