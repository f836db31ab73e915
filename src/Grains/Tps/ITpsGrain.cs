using KpuOrleans.Forms;
using KpuOrleans.Tallies;

namespace KpuOrleans.Tps;

/// <summary>One polling station: judges its forms, keeps their accepted versions, reports its tally to its village.</summary>
public interface ITpsGrain : ITallyGrain
{
    Task<SubmitOutcome> Submit(ResultForm form, string submittedBy);

    /// <summary>Every accepted version of the form for <paramref name="contest"/>, oldest first (empty if none).</summary>
    [AlwaysInterleave]
    Task<AcceptedForm[]> GetHistory(string contest);
}
