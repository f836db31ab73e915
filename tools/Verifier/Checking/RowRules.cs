using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Checking;

/// <summary>
/// What one export row must be by itself: its digest column is the digest of its own numbers, and its numbers keep
/// the rules of API.md that need no registry (rule 2, 4 to 8; rules 1 and 3 need the registry's TPS and DPT).
/// The server refuses forms that break them, so a row that does is impossible numbers.
/// </summary>
public static class RowRules
{
    public const long Largest = 100_000;

    /// <returns>One sentence per broken rule; empty when the row is consistent.</returns>
    public static IEnumerable<string> Breaches(ContestInfo contest, FormRow row)
    {
        var recomputed = DigestEncoding.OfForm(contest, row);
        if (!string.Equals(row.Digest, recomputed, StringComparison.Ordinal))
            yield return $"digest column {Shown(row.Digest)}, but the row's numbers hash to {recomputed}";
        var outOfRange = row.Numbers(contest.Ballot).Where(n => n.Value is < 0 or > Largest).ToList();
        if (outOfRange.Count > 0)
            yield return Impossible(2, "every number 0..100,000", string.Join(", ", outOfRange.Select(n => $"{n.Column} {n.Value}")));
        if (row.VotedDpt > row.Registered)
            yield return Impossible(4, "voted_dpt <= registered", $"voted_dpt {row.VotedDpt}, registered {row.Registered}");
        if (row.Votes.Sum() != row.Valid)
            yield return Impossible(5, "sum of votes = valid", $"votes sum to {row.Votes.Sum()}, valid {row.Valid}");
        if (row.Valid + row.Invalid != row.Voted || row.Voted != row.BallotsUsed)
            yield return Impossible(6, "valid + invalid = voted_dpt + voted_dptb + voted_dpk = ballots_used",
                $"valid + invalid {row.Valid + row.Invalid}, voted {row.Voted}, ballots_used {row.BallotsUsed}");
        if (row.BallotsUsed + row.BallotsSpoiled + row.BallotsUnused != row.BallotsReceived)
            yield return Impossible(7, "ballots_used + ballots_spoiled + ballots_unused = ballots_received",
                $"{row.BallotsUsed} + {row.BallotsSpoiled} + {row.BallotsUnused} = {row.BallotsUsed + row.BallotsSpoiled + row.BallotsUnused}, ballots_received {row.BallotsReceived}");
        if (row.Version < 1)
            yield return Impossible(8, "version >= 1", $"version {row.Version}");
    }

    private static string Impossible(int rule, string says, string found) => $"impossible numbers, rule {rule} ({says}): {found}";

    private static string Shown(string digest) => digest.Length == 0 ? "(empty)" : digest;
}
