using KpuOrleans.Certification;
using KpuOrleans.Placement;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

[DistrictPlacement]
public sealed class ProvinceGrain(
    [PersistentState("province", RegionGrain.StorageName)] IPersistentState<RegionState> state,
    RegionRegistry registry,
    ICertificateRegister certificates,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger<ProvinceGrain> logger) : StoredRegionGrain(state, registry, certificates, upstream, options, logger), IProvinceGrain;
