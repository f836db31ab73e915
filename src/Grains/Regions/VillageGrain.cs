using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

public sealed class VillageGrain(
    [PersistentState("village", RegionGrain.StorageName)] IPersistentState<RegionState> state,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger<VillageGrain> logger) : RegionGrain(state, registry, upstream, options, logger), IVillageGrain;
