namespace KpuOrleans.Verifier.Forms;

/// <summary>
/// One TPS's latest accepted form of one contest, as a row of the export CSV. <paramref name="Votes"/> are in the
/// contest's ballot order; <paramref name="Digest"/> is the row's own digest column (what the server says the form
/// hashes to), which the verifier recomputes rather than believes. <paramref name="Line"/> is the row's line in the
/// file (1 is the header), 0 for a row not read from a file. <paramref name="Photos"/> are the pages the form cites,
/// from the export's <c>photos</c> column; null when the export has no such column (one from before photos).
/// </summary>
public sealed record FormRow(
    string Tps,
    long Version,
    long Registered,
    long VotedDpt,
    long VotedDptb,
    long VotedDpk,
    long BallotsReceived,
    long BallotsUsed,
    long BallotsSpoiled,
    long BallotsUnused,
    IReadOnlyList<long> Votes,
    long Valid,
    long Invalid,
    string AcceptedAt,
    string Digest,
    int Line = 0,
    IReadOnlyList<string>? Photos = null)
{
    /// <summary>Voters who used their right, from every list: the tally's <c>voted</c>.</summary>
    public long Voted => VotedDpt + VotedDptb + VotedDpk;

    /// <summary>Every number of the form with its column name, in the export's column order.</summary>
    public IEnumerable<(string Column, long Value)> Numbers(IReadOnlyList<string> ballot)
    {
        yield return ("version", Version);
        yield return ("registered", Registered);
        yield return ("voted_dpt", VotedDpt);
        yield return ("voted_dptb", VotedDptb);
        yield return ("voted_dpk", VotedDpk);
        yield return ("ballots_received", BallotsReceived);
        yield return ("ballots_used", BallotsUsed);
        yield return ("ballots_spoiled", BallotsSpoiled);
        yield return ("ballots_unused", BallotsUnused);
        for (var i = 0; i < Votes.Count; i++) yield return ($"votes_{ballot[i]}", Votes[i]);
        yield return ("valid", Valid);
        yield return ("invalid", Invalid);
    }
}
