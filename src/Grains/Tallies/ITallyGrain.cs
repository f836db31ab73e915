using KpuOrleans.Live;
using KpuOrleans.Proofs;

namespace KpuOrleans.Tallies;

/// <summary>What every node of the tree, TPS to province, answers to readers.</summary>
public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>This node's tally of <paramref name="contest"/>, or null when the contest does not cover it.</summary>
    [AlwaysInterleave]
    Task<TallySnapshot?> GetTally(string contest);

    /// <summary>This node's tally of every contest that covers it.</summary>
    [AlwaysInterleave]
    Task<TallySnapshot[]> GetTallies();

    /// <summary>
    /// Adds or renews a watch on one contest's tally here: changes are pushed to <paramref name="observer"/> as this
    /// node flushes (at once when it was idle, then at most once per <see cref="TallyOptions.FlushInterval"/>), ending
    /// on the latest state. The watch lapses after a minute unless renewed.
    /// </summary>
    /// <returns>The current tally, or null when the contest does not cover this node.</returns>
    [AlwaysInterleave]
    Task<TallySnapshot?> Watch(string contest, ILiveObserver observer);

    [AlwaysInterleave]
    Task Unwatch(string contest, ILiveObserver observer);

    /// <summary>The tally of every child in code order, as this node last applied it (empty for a TPS).</summary>
    [AlwaysInterleave]
    Task<TallySnapshot[]> GetChildren(string contest);

    /// <summary>
    /// The canonical text behind <paramref name="digest"/> for <paramref name="contest"/> here, when this node still keeps
    /// that state (a region: the digests it handed out lately; a TPS: every accepted version), else behind its current
    /// digest (null <paramref name="digest"/> asks for that); null while nothing is accepted at or below this node. An
    /// inclusion proof is read with it top down, each level asked for the digest its parent holds (API.md, "Receipts
    /// and inclusion proofs").
    /// </summary>
    [AlwaysInterleave]
    Task<ProofStep?> GetProofStep(string contest, string? digest);
}
