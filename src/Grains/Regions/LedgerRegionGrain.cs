using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

/// <summary>
/// A village, district or regency stores nothing: on activation, and whenever it is told to catch up, it rebuilds
/// from the latest forms of the TPS below it in the ledger (one query), summed per child. That is exact by
/// construction, can never be behind what it once reported up, and spares the database a state write per flush: on
/// election night a district flushes about once per form below it, so storing it would cost as much as the form.
/// </summary>
public abstract class LedgerRegionGrain(
    ILedger ledger,
    RegionRegistry registry,
    IUpstream upstream,
    IOptions<TallyOptions> options,
    ILogger logger) : RegionGrain(registry, upstream, options, logger)
{
    protected override RegionState State { get; } = new();

    protected override Task OnRestoredAsync() => CatchUp();

    protected override async Task<IEnumerable<TallySnapshot>> ReadChildrenAsync()
    {
        var tps = (await ledger.ReadLatestUnderAsync(Region.Code)).Select(form => FormTallies.Of(form, Registry.FindContest(form.Form.Contest)!));
        if (Region.Level == Level.Village) return tps;
        return tps
            .GroupBy(t => (t.Contest, Child: ChildContaining(t.Region)))
            .Select(child => new TallySnapshot(child.Key.Contest, child.Key.Child,
                child.Aggregate(Tally.Zero(child.First().Tally.Votes.Length), (sum, t) => sum.Plus(t.Tally)),
                child.Max(t => t.UpdatedAt)));
    }

    /// <summary>The child of this region that <paramref name="code"/> lies in: one more segment of the code.</summary>
    private string ChildContaining(string code) =>
        code.IndexOf('.', Region.Code.Length + 1) is var end and > 0 ? code[..end] : code;
}
