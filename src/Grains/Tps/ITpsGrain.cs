using KpuOrleans.Forms;
using KpuOrleans.Tallies;

namespace KpuOrleans.Tps;

/// <summary>One polling station: judges its forms, keeps their accepted versions, reports its tally to its village.</summary>
public interface ITpsGrain : ITallyGrain
{
    /// <param name="rights">What the sender may do beyond an ordinary writer (the correction limit binds all others).</param>
    Task<SubmitOutcome> Submit(ResultForm form, string submittedBy, SubmitterRights rights);

    /// <summary>
    /// <see cref="Submit"/> for a form a gateway has already judged against API.md's rules: the rules are a pure function
    /// of the form and the registry, which every process of a cluster loads from the same files, so they are not run
    /// twice. The grain still refuses a form its own arithmetic cannot take (another TPS, a contest not covering it,
    /// ballot numbers not the contest's) as invalid.
    /// </summary>
    Task<SubmitOutcome> SubmitJudged(ResultForm form, string submittedBy, SubmitterRights rights);

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

    /// <summary>
    /// Reads again what the TPS's evidence adds to its tally of <paramref name="contest"/> (which cited photos are stored,
    /// its open disputes) and reports a change to its village before answering. Called when a photo it cites is stored
    /// and when a dispute about it is opened or resolved; idempotent.
    /// </summary>
    Task EvidenceChanged(string contest);

    /// <summary>Every accepted version of the form for <paramref name="contest"/>, oldest first (empty if none).</summary>
    [AlwaysInterleave]
    Task<AcceptedForm[]> GetHistory(string contest);

    /// <summary>
    /// One page of the accepted versions, newest first: at most <paramref name="limit"/> of those below
    /// <paramref name="before"/> (below none when null), so that a reader never gets the whole history in one answer.
    /// </summary>
    [AlwaysInterleave]
    Task<HistoryPage> GetHistoryPage(string contest, int limit, long? before);
}

/// <param name="Current">The latest accepted version; null when none was accepted.</param>
/// <param name="Versions">The page, newest first.</param>
/// <param name="More">Whether versions older than the page's last remain.</param>
/// <param name="PagesStored">Which of the cited pages of <paramref name="Current"/> and <paramref name="Versions"/> are stored now; null when that could not be asked.</param>
[GenerateSerializer, Immutable, Alias("kpu.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] AcceptedForm? Current,
    [property: Id(1)] AcceptedForm[] Versions,
    [property: Id(2)] bool More,
    [property: Id(3)] string[]? PagesStored = null);
