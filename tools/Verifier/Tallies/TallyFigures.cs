using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Tallies;

/// <summary>
/// The figures of a tally that the forms alone decide (API.md's tally object without the registry's
/// <c>registered</c>/<c>tpsExpected</c>, the anomaly count or times). <paramref name="Votes"/> are in ballot order;
/// <paramref name="Digest"/> is null while nothing is accepted at or below the node.
/// </summary>
public sealed record TallyFigures(
    IReadOnlyList<long> Votes,
    long Valid,
    long Invalid,
    long Voted,
    long RegisteredReported,
    long TpsReported,
    long Version,
    string? Digest)
{
    /// <summary>What a node with no form at or below it must show.</summary>
    public static TallyFigures Zero(ContestInfo contest) => new(new long[contest.Ballot.Count], 0, 0, 0, 0, 0, 0, null);

    /// <summary>A TPS's tally: its latest form's numbers, and that form's digest recomputed from them.</summary>
    public static TallyFigures OfForm(ContestInfo contest, FormRow row) =>
        new(row.Votes, row.Valid, row.Invalid, row.Voted, row.Registered, 1, row.Version, DigestEncoding.OfForm(contest, row));
}
