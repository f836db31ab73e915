using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

public sealed class RegencyGrain(
    [PersistentState("regency", RegionGrain.StorageName)] IPersistentState<RegionState> state,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger<RegencyGrain> logger) : StoredRegionGrain(state, registry, upstream, options, logger), IRegencyGrain;
