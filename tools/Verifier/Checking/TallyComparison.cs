using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Checking;

/// <summary>
/// A tally someone showed against the one recomputed from the forms, figure by figure. <c>shownAs</c> says who
/// showed it: "published" for the API's tallies, "certified" for a certificate's (<see cref="CertificateCheck"/>).
/// </summary>
public static class TallyComparison
{
    /// <returns>One sentence per figure that differs; empty when every figure is the recomputed one.</returns>
    public static IEnumerable<string> Differences(ContestInfo contest, PublishedTally shown, TallyFigures recomputed, string shownAs = "published")
    {
        for (var i = 0; i < contest.Ballot.Count; i++)
        {
            var number = contest.Ballot[i];
            if (!shown.Votes.TryGetValue(number, out var votes))
                yield return $"votes.{number}: {shownAs} nothing, recomputed {recomputed.Votes[i]}";
            else if (votes != recomputed.Votes[i])
                yield return $"votes.{number}: {shownAs} {votes}, recomputed {recomputed.Votes[i]}";
        }
        foreach (var (number, votes) in shown.Votes.Where(v => !contest.Ballot.Contains(v.Key)))
            yield return $"votes.{number}: {shownAs} {votes}, but {contest.Id} has no ballot number {number}";
        foreach (var (name, value, wanted) in new[]
                 {
                     ("valid", shown.Valid, recomputed.Valid),
                     ("invalid", shown.Invalid, recomputed.Invalid),
                     ("voted", shown.Voted, recomputed.Voted),
                     ("registeredReported", shown.RegisteredReported, recomputed.RegisteredReported),
                     ("tpsReported", shown.TpsReported, recomputed.TpsReported),
                     ("version", shown.Version, recomputed.Version),
                 })
        {
            if (value != wanted) yield return $"{name}: {shownAs} {value}, recomputed {wanted}";
        }
        if (!string.Equals(shown.Digest, recomputed.Digest, StringComparison.Ordinal))
            yield return $"digest: {shownAs} {shown.Digest ?? "null"}, recomputed {recomputed.Digest ?? "null"}";
    }
}
