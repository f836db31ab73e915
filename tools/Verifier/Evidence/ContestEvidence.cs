using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// What the public has of one contest: the export's rows (the forms) and every tally the API published for it.
/// Certified tallies (a later <c>certificates.json</c>) join here as one more thing to hold against the forms.
/// </summary>
public sealed record ContestEvidence(ContestInfo Contest, IReadOnlyList<FormRow> Rows, IReadOnlyList<PublishedTally> Tallies);
