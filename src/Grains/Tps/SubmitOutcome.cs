using KpuOrleans.Forms;

namespace KpuOrleans.Tps;

public enum SubmitStatus
{
    /// <summary>A new version, now durable in the ledger.</summary>
    Accepted,
    /// <summary>The same version with the same content was accepted before; nothing changed.</summary>
    Retry,
    /// <summary>Same version with other content, or not the next version.</summary>
    Conflict,
    /// <summary>A rule of API.md is broken; nothing was stored.</summary>
    Invalid,
    /// <summary>The ledger could not be reached; nothing was stored.</summary>
    Unavailable,
    /// <summary>A correction under a certified (or being certified) region; nothing was stored.</summary>
    Certified,
    /// <summary>A correction over the TPS's limit for the contest (API.md, "Limits"); nothing was stored.</summary>
    RateLimited,
    /// <summary>The ledger refused the form as data (a value or constraint it cannot hold); nothing was stored.</summary>
    Refused,
    /// <summary>The ledger did not answer the commit: the form may or may not be stored. Sending it again tells.</summary>
    OutcomeUnknown,
}

[GenerateSerializer, Immutable, Alias("kpu.SubmitOutcome")]
public sealed record SubmitOutcome(
    [property: Id(0)] SubmitStatus Status,
    [property: Id(1)] AcceptedForm? Form,
    [property: Id(2)] long CurrentVersion,
    [property: Id(3)] Dictionary<string, string[]>? Errors,
    [property: Id(4)] string? Detail,
    [property: Id(5)] TimeSpan? RetryAfter = null)
{
    public static SubmitOutcome Accepted(AcceptedForm form) => new(SubmitStatus.Accepted, form, form.Form.Version, null, null);

    public static SubmitOutcome Retry(AcceptedForm form, long current) => new(SubmitStatus.Retry, form, current, null, null);

    public static SubmitOutcome Conflict(long current, string detail) => new(SubmitStatus.Conflict, null, current, null, detail);

    public static SubmitOutcome Invalid(FormErrors errors) =>
        new(SubmitStatus.Invalid, null, 0, errors.ToDictionary(), "The form breaks the rules listed in errors; nothing was stored.");

    public static SubmitOutcome Unavailable(string detail) => new(SubmitStatus.Unavailable, null, 0, null, detail);

    public static SubmitOutcome Certified(long current, string detail) => new(SubmitStatus.Certified, null, current, null, detail);

    public static SubmitOutcome RateLimited(long current, TimeSpan retryAfter, string detail) =>
        new(SubmitStatus.RateLimited, null, current, null, detail, retryAfter);

    /// <summary>The errors name the whole form: the ledger does not say which field it could not hold.</summary>
    public static SubmitOutcome Refused(string sqlState) => new(SubmitStatus.Refused, null, 0,
        new Dictionary<string, string[]> { ["form"] = [$"the result ledger refused this form as data (SQLSTATE {sqlState}); nothing was stored"] },
        "The result ledger refused the form; nothing was stored. Check its text for characters API.md's rules do not allow.");

    public static SubmitOutcome OutcomeUnknown(string detail) => new(SubmitStatus.OutcomeUnknown, null, 0, null, detail);
}
