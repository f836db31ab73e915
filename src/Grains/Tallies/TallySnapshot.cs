using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Tallies;

/// <summary>
/// A node's tally of one contest as readers see it: the totals, when they last changed, their digest (API.md,
/// "Digests"; null while nothing is accepted at or below the node) and the certificate in force, if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.TallySnapshot")]
public sealed record TallySnapshot(
    [property: Id(0)] string Contest,
    [property: Id(1)] string Region,
    [property: Id(2)] Tally Tally,
    [property: Id(3)] DateTimeOffset? UpdatedAt,
    [property: Id(4)] string? Digest = null,
    [property: Id(5)] CertificateSeal? Certified = null);

public static class FormTallies
{
    /// <summary>What one TPS contributes to every total above it: its latest accepted form, as a tally, with its evidence.</summary>
    public static TallySnapshot Of(AcceptedForm latest, Contest contest, FormEvidence evidence)
    {
        var form = latest.Form;
        var votes = new long[contest.Candidates.Count];
        for (var i = 0; i < votes.Length; i++) votes[i] = form.Votes[contest.Candidates[i].Number];
        var flagged = latest.Anomalies.Count > 0 || evidence.PhotoMissing || evidence.Disputes.Open > 0;
        var tally = new Tally(form.Version, votes, form.Valid, form.Invalid, form.Voted.Total, form.Registered,
            TpsReported: 1, Anomalies: flagged ? 1 : 0, PhotoMissing: evidence.PhotoMissing ? 1 : 0,
            DisputesOpen: evidence.Disputes.Open, Revision: evidence.Revision);
        return new TallySnapshot(contest.Id, form.Tps, tally, latest.AcceptedAt, TallyDigest.OfForm(form, contest));
    }
}