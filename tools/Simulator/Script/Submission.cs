using KpuOrleans.Forms;

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
}

/// <summary>One step of a <see cref="TpsRace"/>: the form to send and, on election night, how long after the previous step.</summary>
internal sealed record Submission(SubmissionKind Kind, ResultForm Form, TimeSpan After)
{
    public int ExpectedStatus => Kind switch
    {
        SubmissionKind.First or SubmissionKind.Correction => 201,
        SubmissionKind.Retry => 200,
        _ => 422,
    };

    /// <summary>Whether the form can be accepted, so that an answer lost on the way must be sent again to learn its fate.</summary>
    public bool Counts => Kind != SubmissionKind.Invalid;
}
