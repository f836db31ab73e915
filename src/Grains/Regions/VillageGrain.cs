using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// A village stores nothing: on activation it rebuilds from the latest forms of its TPS in the ledger (one query),
/// which is exact by construction and spares the database a state write per village flush on election night.
/// </summary>
public sealed class VillageGrain(
    ILedger ledger,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger<VillageGrain> logger) : RegionGrain(registry, upstream, options, logger), IVillageGrain
{
    protected override RegionState State { get; } = new();

    protected override Task OnRestoredAsync() => CatchUp();

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync() =>
        (await ledger.ReadLatestUnderAsync(Region.Code))
            .Select(form => FormTallies.Of(form, Registry.FindContest(form.Form.Contest)!));
}
