using KpuOrleans.Forms;
using KpuOrleans.Tallies;

namespace KpuOrleans.Tps;

/// <summary>One polling station: judges its forms, keeps their accepted versions, reports its tally to its village.</summary>
public interface ITpsGrain : ITallyGrain
{
    Task<SubmitOutcome> Submit(ResultForm form, string submittedBy);

    /// <summary>
    /// Answers once the form this TPS is handling (if any) is settled, which makes it a fence for certification:
    /// a correction that started before is in the ledger now, and any later one asks the certificate first.
    /// </summary>
    /// <returns>Whether the TPS holds an accepted form of <paramref name="contest"/>.</returns>
    Task<bool> Settle(string contest);

    /// <summary>
    /// Reads this TPS's forms from the ledger again and reports any change: a failover may have lost rows it held.
    /// The reconciliation pass calls it on the TPS of a village it rebuilds.
    /// </summary>
    Task Reload();

    /// <summary>Every accepted version of the form for <paramref name="contest"/>, oldest first (empty if none).</summary>
    [AlwaysInterleave]
    Task<AcceptedForm[]> GetHistory(string contest);
}
