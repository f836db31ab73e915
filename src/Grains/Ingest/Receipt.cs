using KpuOrleans.Tps;

namespace KpuOrleans.Ingest;

/// <summary>
/// A TPS grain's answer to one submission, slimmed to what the gateway answers with: an acceptance names the form's
/// TPS, contest and version, which the gateway holds already, so only the acceptance time and anomalies come back.
/// </summary>
/// <param name="AcceptedAt">For <see cref="SubmitStatus.Accepted"/> and <see cref="SubmitStatus.Retry"/>: when the version was stored.</param>
[GenerateSerializer, Immutable, Alias("kpu.Receipt")]
public sealed record Receipt(
    [property: Id(0)] SubmitStatus Status,
    [property: Id(1)] long CurrentVersion,
    [property: Id(2)] DateTimeOffset AcceptedAt,
    [property: Id(3)] IReadOnlyList<string>? Anomalies,
    [property: Id(4)] Dictionary<string, string[]>? Errors,
    [property: Id(5)] string? Detail,
    [property: Id(6)] TimeSpan? RetryAfter = null)
{
    /// <summary>Nothing reached the ledger: the TPS could not be activated, or the form never left the gateway.</summary>
    public static Receipt Unavailable(string detail) => new(SubmitStatus.Unavailable, 0, default, null, null, detail);

    /// <summary>The call got no answer: the form may have been stored, and only sending it again tells.</summary>
    public static Receipt OutcomeUnknown(string detail) => new(SubmitStatus.OutcomeUnknown, 0, default, null, null, detail);

    public static Receipt Of(SubmitOutcome outcome) => outcome.Form is { } accepted
        ? new(outcome.Status, outcome.CurrentVersion, accepted.AcceptedAt, accepted.Anomalies, outcome.Errors, outcome.Detail, outcome.RetryAfter)
        : new(outcome.Status, outcome.CurrentVersion, default, null, outcome.Errors, outcome.Detail, outcome.RetryAfter);
}
