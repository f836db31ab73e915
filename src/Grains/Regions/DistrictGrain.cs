using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

public sealed class DistrictGrain(
    [PersistentState("district", RegionGrain.StorageName)] IPersistentState<RegionState> state,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger<DistrictGrain> logger) : StoredRegionGrain(state, registry, upstream, options, logger), IDistrictGrain;
