using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// What the public has of one contest: the export's rows (the forms), every tally the API published for it, and
/// every certificate of it, withdrawn ones included. <paramref name="Certificates"/> is null when the folder has no
/// certificates file (one written before certification existed, or by hand): checked as none, and said so.
/// </summary>
public sealed record ContestEvidence(
    ContestInfo Contest,
    IReadOnlyList<FormRow> Rows,
    IReadOnlyList<PublishedTally> Tallies,
    IReadOnlyList<PublishedCertificate>? Certificates = null);
