using System.Diagnostics;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Ingest;
using KpuOrleans.Ingest;
using KpuOrleans.Registry;
using KpuOrleans.Telemetry;
using KpuOrleans.Tps;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>The status and body API.md prescribes for one submitted form; the single and batch endpoints share it.</summary>
public sealed record SubmissionResult(int Status, object Body)
{
    public bool IsProblem => Body is ProblemDetails;

    /// <summary>For a 422: API.md's numbers of the rules the form breaks, for the rejection metric.</summary>
    public IReadOnlyCollection<string> BrokenRules { get; init; } = [];

    /// <summary>For a 429: whole seconds until the request may succeed, for the <c>Retry-After</c> header.</summary>
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>Judges one form: shape and rules here (cheap, no grain hop for a bad form), the rest in its TPS grain.</summary>
public sealed class FormSubmissions(FormCourier courier, RegionRegistry registry)
{
    /// <summary>Where writers do not authenticate (Auth:Enabled off), forms are recorded as sent by this.</summary>
    public const string AnonymousSubmitter = "anonymous";

    /// <param name="officer">The authenticated writer; null where writers do not authenticate.</param>
    public async Task<SubmissionResult> SubmitAsync(JsonElement json, Officer? officer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await JudgeAsync(json, officer, cancellationToken);
        Count(result, started);
        return result;
    }

    private async Task<SubmissionResult> JudgeAsync(JsonElement json, Officer? officer, CancellationToken cancellationToken)
    {
        var read = FormJson.Read(json);
        if (read.Form is not { } form)
        {
            return Problem(Problems.Create(400, "Malformed form",
                "The body is not a C.Hasil form of the shape API.md describes; see errors.", read.ShapeErrors));
        }
        var errors = FormRules.Validate(form, registry, read.Unreadable);
        if (!errors.IsEmpty) return Invalid(errors.ToDictionary(), errors.Rules);
        // A form that breaks the rules is a 422 whoever sends it; a valid one outside the token's scope is a 403.
        if (officer is not null && OfficerScope.Refusal(officer, form, registry) is { } refusal)
            return Problem(Problems.Create(403, "Outside your scope", $"{refusal}; nothing was stored or counted."));

        // The courier answers every form, its failures included (a lost call is "outcome unknown", as it was here).
        var outcome = await courier.SendAsync(new Submission(form, officer?.Subject ?? AnonymousSubmitter, RightsOf(officer))).WaitAsync(cancellationToken);
        return outcome.Status switch
        {
            SubmitStatus.Accepted => new SubmissionResult(201, AcceptanceDto.From(form, outcome, registry.FindContest(form.Contest)!)),
            SubmitStatus.Retry => new SubmissionResult(200, AcceptanceDto.From(form, outcome, registry.FindContest(form.Contest)!)),
            SubmitStatus.Conflict => Problem(Problems.Create(409, "Version conflict", outcome.Detail!,
                extensions: [new("currentVersion", outcome.CurrentVersion)])),
            SubmitStatus.Certified => Problem(Problems.Create(409, "Certified", outcome.Detail!,
                extensions: [new("currentVersion", outcome.CurrentVersion)])),
            SubmitStatus.Invalid => Invalid(outcome.Errors!, [UnknownRule]),
            SubmitStatus.RateLimited => CorrectionLimited(outcome),
            SubmitStatus.Refused => Problem(Problems.Create(422, "The ledger refused the form", outcome.Detail!, outcome.Errors)) with { BrokenRules = [RefusedRule] },
            SubmitStatus.OutcomeUnknown => Problem(Problems.OutcomeUnknown(OutcomeUnknownDetail)),
            _ => Unavailable(outcome.Detail!),
        };
    }

    /// <summary>KPU Provinsi is not held to the correction limit; everyone else is, including writers with no token.</summary>
    private static SubmitterRights RightsOf(Officer? officer) =>
        officer?.Role == OfficerRole.Provinsi ? SubmitterRights.BeyondCorrectionLimit : SubmitterRights.Ordinary;

    private static SubmissionResult CorrectionLimited(Receipt outcome)
    {
        var seconds = CorrectionLimit.Seconds(outcome.RetryAfter!.Value);
        return Problem(Problems.Create(429, "Too many corrections", outcome.Detail!,
            extensions: [new("currentVersion", outcome.CurrentVersion), new("retryAfter", seconds)])) with { RetryAfterSeconds = seconds };
    }

    private static SubmissionResult Invalid(Dictionary<string, string[]> errors, IReadOnlyCollection<string> rules) =>
        Problem(Problems.Create(422, "The form breaks the rules",
            $"The form breaks API.md's rules at {string.Join(", ", errors.Keys)}; nothing was stored or counted.", errors)) with { BrokenRules = rules };

    /// <summary>A body refused before any form in it was read (not JSON, too large, not a batch): counted, then answered.</summary>
    public static IResult Refused(ProblemDetails problem)
    {
        var rule = problem.Status switch { 413 => "too-large", 403 => "scope", _ => "malformed" };
        KpuMetrics.FormsRejected.Add(1, new KeyValuePair<string, object?>("rule", rule));
        return Problems.Result(problem);
    }

    /// <summary>Rejections the TPS grain made on rules the gateway already checked: should never happen, so counted apart.</summary>
    private const string UnknownRule = "grain";

    /// <summary>A correction over its TPS's limit: apart from <c>rate-limited</c>, which is a writer's request rate.</summary>
    private const string CorrectionLimitRule = "correction-limit";

    /// <summary>Forms the ledger refused as data although they passed every rule: a rule is missing, so counted apart.</summary>
    private const string RefusedRule = "ledger";

    public const string OutcomeUnknownDetail =
        "The form may or may not have been stored: the result ledger did not confirm it in time. Send the same form again; if it was stored you get 200.";

    private static void Count(SubmissionResult result, long started)
    {
        switch (result.Status)
        {
            case 200 or 201:
                var outcome = new KeyValuePair<string, object?>("outcome", result.Status == 201 ? "new" : "retry");
                KpuMetrics.FormsAccepted.Add(1, outcome);
                KpuMetrics.AcceptanceDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, outcome);
                break;
            case 422:
                foreach (var rule in result.BrokenRules) KpuMetrics.FormsRejected.Add(1, new KeyValuePair<string, object?>("rule", rule));
                break;
            default:
                var reason = result.Status switch
                {
                    400 => "malformed", 403 => "scope", 409 => "conflict", 429 => CorrectionLimitRule,
                    _ when result.Body is ProblemDetails { Type: Problems.OutcomeUnknownType } => "outcome-unknown",
                    _ => "unavailable",
                };
                KpuMetrics.FormsRejected.Add(1, new KeyValuePair<string, object?>("rule", reason));
                break;
        }
    }

    private static SubmissionResult Unavailable(string detail) => Problem(Problems.Create(503, "Storage unavailable", detail));

    private static SubmissionResult Problem(ProblemDetails problem) => new(problem.Status!.Value, problem);
}
