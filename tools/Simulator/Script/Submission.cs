using KpuOrleans.Forms;
using KpuOrleans.Simulator.Photos;

namespace KpuOrleans.Simulator.Script;

/// <summary>What one request is meant to be, and so which answer API.md prescribes for it.</summary>
internal enum SubmissionKind
{
    /// <summary>The first form of a TPS for a race: 201.</summary>
    First,

    /// <summary>The accepted form sent again, as a client does when the answer got lost: 200, same body.</summary>
    Retry,

    /// <summary>The next version with a reason: 201.</summary>
    Correction,

    /// <summary>A form that breaks a rule: 422, nothing stored.</summary>
    Invalid,

    /// <summary>The pages of an accepted form, uploaded after it (a phone on a bad network): 201 each.</summary>
    Photos,

    /// <summary>A citizen's report that the numbers differ from the photo: 201.</summary>
    Dispute,
}

/// <summary>
/// One step of a <see cref="TpsRace"/>: the form to send and, on election night, how long after the previous step.
/// A form citing photos has its <paramref name="Photos"/> (a <see cref="SubmissionKind.Photos"/> step uploads them
/// late); a <see cref="SubmissionKind.Dispute"/> step carries its <paramref name="Dispute"/>.
/// </summary>
internal sealed record Submission(SubmissionKind Kind, ResultForm Form, TimeSpan After, FormPhotos? Photos = null, DisputeReport? Dispute = null)
{
    public int ExpectedStatus => Kind switch
    {
        SubmissionKind.First or SubmissionKind.Correction or SubmissionKind.Photos or SubmissionKind.Dispute => 201,
        SubmissionKind.Retry => 200,
        _ => 422,
    };

    /// <summary>Whether the form can be accepted, so that an answer lost on the way must be sent again to learn its fate.</summary>
    public bool Counts => Kind is SubmissionKind.First or SubmissionKind.Retry or SubmissionKind.Correction;

    /// <summary>Whether this step posts a form (rather than uploading photos or filing a dispute).</summary>
    public bool PostsForm => Kind is SubmissionKind.First or SubmissionKind.Retry or SubmissionKind.Correction or SubmissionKind.Invalid;

    /// <summary>The form as posted: citing its photos' names when it has photos.</summary>
    public ResultForm Sent => Photos is { } photos && PostsForm ? photos.Citing : Form;
}
